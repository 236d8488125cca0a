using System.ComponentModel.DataAnnotations;
using Taxonomy.Abstractions.Registration;

namespace Taxonomy.Blocks.Augmentation;

/// <summary>Checks of options nested in a block's options ([Range] and Validate), named "vat.xi" etc.</summary>
internal static class NestedOptions
{
    public static IEnumerable<(string Option, string Message)> Check(BlockOptions settings, string optionsName, string implied)
    {
        if (settings.Type.Length > 0)
        {
            yield return ($"{optionsName}.type", $"not needed: the type is '{implied}'");
        }
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(settings, new ValidationContext(settings), results, validateAllProperties: true);
        foreach (var result in results)
        {
            var member = result.MemberNames.FirstOrDefault() ?? "";
            var camel = member.Length == 0 ? member : char.ToLowerInvariant(member[0]) + member[1..];
            yield return ($"{optionsName}.{camel}", result.ErrorMessage ?? "is not valid");
        }
        foreach (var (option, message) in settings.Validate())
        {
            yield return ($"{optionsName}.{option}", message);
        }
    }
}
