using System.CommandLine;
using System.Text.Json.Nodes;
using Taxonomy.Host.Manifest;
using Taxonomy.Host.Registry;

namespace Taxonomy.Host.Cli;

/// <summary>The command-line options that override manifest fields (--set and the typed --data, --clusters, --seed) and `--plugins`.</summary>
internal sealed class ManifestOverrides
{
    private readonly Option<string?> _data = new("--data")
    {
        Description = "Data set: digits, synthetic, blobs, fashion-mnist, a CSV file (last column the label) or a folder of IDX files.",
    };

    private readonly Option<int?> _clusters = new("--clusters") { Description = "Number of clusters (default: the manifest's, else the number of labels)." };

    private readonly Option<int?> _seed = new("--seed") { Description = "Seed of every random choice." };

    private readonly Option<string[]> _set = new("--set")
    {
        Description = "Override a manifest field: --set clusteringLoss.alpha=1 (repeatable; a list is replaced whole, " +
                      "or one element by its index: branch.dims.1=4).",
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly PluginsOption _plugins = new();

    public void AddTo(Command command)
    {
        command.Options.Add(_data);
        command.Options.Add(_clusters);
        command.Options.Add(_seed);
        command.Options.Add(_set);
        _plugins.AddTo(command);
    }

    /// <summary>
    /// Reads the manifest and applies the overrides (and <paramref name="more"/>), loads the plugins (next to the program,
    /// --plugins, then the manifest's "plugins"), and binds the manifest against the resulting block catalogue.
    /// </summary>
    public MethodDefinition Load(ParseResult parse, string path, params FieldAssignment[] more)
    {
        var document = ManifestDocument.Load(path);
        document.Apply(From(parse).Concat(more));
        return new ManifestLoader(Registry(parse, document)).Load(document);
    }

    /// <summary>The block catalogue for <paramref name="document"/>: built-in blocks and every plugin it may use.</summary>
    public BlockRegistry Registry(ParseResult parse, ManifestDocument document) => _plugins.Registry(parse, document);

    /// <summary>Every --set in order, then --data, --clusters and --seed with the values they were parsed to.</summary>
    public IReadOnlyList<FieldAssignment> From(ParseResult parse)
    {
        var overrides = (parse.GetValue(_set) ?? []).Select(FieldAssignment.Parse).ToList();
        if (parse.GetValue(_data) is { } data)
        {
            overrides.Add(FieldAssignment.Of("data.source", JsonValue.Create(data), $"--data '{data}'"));
        }
        if (parse.GetValue(_clusters) is { } clusters)
        {
            overrides.Add(FieldAssignment.Of("clusters", JsonValue.Create(clusters), $"--clusters {clusters}"));
        }
        if (parse.GetValue(_seed) is { } seed)
        {
            overrides.Add(FieldAssignment.Of("seed", JsonValue.Create(seed), $"--seed {seed}"));
        }
        return overrides;
    }
}
