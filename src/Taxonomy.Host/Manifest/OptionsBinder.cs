using System.Text.Json.Nodes;
using Taxonomy.Abstractions.Registration;

namespace Taxonomy.Host.Manifest;

/// <summary>
/// Binds a manifest section to a typed options class, strictly, in one walk over the manifest's JSON tree
/// (<see cref="OptionsReader"/>): unknown keys (with the valid keys listed), values of the wrong shape or type (with
/// the expected type, enum choices listed) and out-of-range values (<see cref="OptionRanges"/>) are errors naming the
/// file and the field.
/// </summary>
public static class OptionsBinder
{
    /// <param name="fields">The section's fields: a block's JSON object, or the manifest's settings fields.</param>
    /// <param name="owner">Who the options belong to, for unknown keys: "branch 'mlp-autoencoder'", "the manifest".</param>
    public static object Bind(IEnumerable<KeyValuePair<string, JsonNode?>> fields, Type optionsType, string file, string path, string owner)
    {
        var options = Activator.CreateInstance(optionsType)!;
        var reader = new OptionsReader(owner);
        reader.Fill(options, fields, path);
        if (reader.Problem is { } problem)
        {
            throw new ManifestException($"{file}: {problem}");
        }
        if (options is BlockOptions block)
        {
            block.ApplyDefaults();
        }
        var messages = OptionRanges.Problems(options, path)
            .Concat((options as BlockOptions)?.Validate().Select(v => $"{OptionRanges.Join(path, v.Option)}: {v.Message}") ?? [])
            .ToList();
        if (messages.Count > 0)
        {
            throw new ManifestException($"{file}: " + string.Join("; ", messages));
        }
        return options;
    }

    public static string CamelCase(string name) =>
        name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];
}
