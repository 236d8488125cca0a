using System.Text.Json.Nodes;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Host.Manifest;
using Taxonomy.Host.Registry;

namespace Taxonomy.Host.Table1;

/// <summary>
/// A method's row in the taxonomy's Table 1, derived from its manifest: one cell per building-block column, each the
/// block's name and the options that differ from the block's defaults (so a cell says what is particular to the method).
/// </summary>
public sealed record TaxonomyRow(string Method, string File, IReadOnlyList<string> Cells)
{
    /// <summary>The table's block columns: the paper's seven, in its order.</summary>
    public static IReadOnlyList<(string Header, BlockRole Role)> Columns { get; } =
    [
        ("Architecture", BlockRole.Branch),
        ("Features for clustering", BlockRole.FeatureSelector),
        ("Non-clustering loss", BlockRole.NonClusteringLoss),
        ("Clustering loss", BlockRole.ClusteringLoss),
        ("Combining the losses", BlockRole.Schedule),
        ("Cluster updates", BlockRole.ClusterUpdater),
        ("Re-clustering after training", BlockRole.PostClustering),
    ];

    /// <summary>The row of a bound manifest.</summary>
    public static TaxonomyRow From(MethodDefinition method) => new(
        method.Name, method.File, Columns.Select(c => Describe(method[c.Role])).ToList());

    /// <summary>The row of a manifest that could not be bound: the block names as written, without options.</summary>
    public static TaxonomyRow FromDocument(ManifestDocument document)
    {
        string Section(BlockRole role)
        {
            var field = BlockRoles.Field(role);
            var key = document.Root.Select(p => p.Key).FirstOrDefault(k => k.Equals(field, StringComparison.OrdinalIgnoreCase));
            return key is not null && document.Root[key] is JsonObject section && section["type"] is JsonValue type ? type.ToString() : "?";
        }
        var name = document.Root["name"]?.ToString() is { Length: > 0 } n ? n : Path.GetFileNameWithoutExtension(document.Path);
        return new TaxonomyRow(name, document.Path, Columns.Select(c => Section(c.Role)).ToList());
    }

    /// <summary>"type (option value, ...)" with the options that differ from a default instance of the same options.</summary>
    public static string Describe(BlockSpec block)
    {
        var actual = (JsonObject)OptionsJson.Serialize(block.Options);
        var defaults = (BlockOptions)Activator.CreateInstance(block.Descriptor.OptionsType)!;
        defaults.ApplyDefaults();
        var reference = (JsonObject)OptionsJson.Serialize(defaults);
        var changed = Changed(actual, reference).ToList();
        return changed.Count == 0 ? block.Descriptor.Name : $"{block.Descriptor.Name} ({string.Join(", ", changed)})";
    }

    /// <summary>"option value" for each option unlike the reference; nested options (e.g. "vat") as "vat (xi 1)".</summary>
    internal static IEnumerable<string> Changed(JsonObject actual, JsonObject? reference)
    {
        foreach (var (key, value) in actual)
        {
            if (key == "type" || value is null || JsonNode.DeepEquals(value, reference?[key]))
            {
                continue;
            }
            if (value is not JsonObject nested)
            {
                yield return $"{key} {Compact(value)}";
            }
            else if (Changed(nested, reference?[key] as JsonObject).ToList() is { Count: > 0 } inner)
            {
                yield return $"{key} ({string.Join(", ", inner)})";
            }
        }
    }

    private static string Compact(JsonNode value) => value switch
    {
        JsonArray list when list.All(v => v is JsonValue) => string.Join("-", list.Select(v => v!.ToString())),
        JsonValue v => v.ToString(),
        _ => value.ToJsonString(),
    };
}
