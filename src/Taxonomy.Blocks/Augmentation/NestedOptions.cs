using Taxonomy.Abstractions.Registration;

namespace Taxonomy.Blocks.Augmentation;

/// <summary>
/// Checks of options nested in a block's options (Validate), named "vat.xi" etc. Their [Range]s are checked by the host
/// with every other option's, since it sees the whole manifest path.
/// </summary>
internal static class NestedOptions
{
    public static IEnumerable<(string Option, string Message)> Check(BlockOptions settings, string optionsName, string implied)
    {
        if (settings.Type.Length > 0)
        {
            yield return ($"{optionsName}.type", $"not needed: the type is '{implied}'");
        }
        foreach (var (option, message) in settings.Validate())
        {
            yield return ($"{optionsName}.{option}", message);
        }
    }
}
