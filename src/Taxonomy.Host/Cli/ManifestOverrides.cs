using System.CommandLine;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Taxonomy.Host.Manifest;

namespace Taxonomy.Host.Cli;

/// <summary>The command-line options that override manifest fields (--set and the typed --data, --clusters, --seed) and `--plugins`.</summary>
internal sealed class ManifestOverrides
{
    private readonly Option<string?> _data = new("--data")
    {
        Description = "Data set: digits, digit-pairs, synthetic, blobs, table, fashion-mnist, a CSV file (last column the label) or a folder of IDX files.",
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
    /// Reads the manifest and applies the overrides (and <paramref name="more"/>), builds the command's host with the
    /// plugins (next to the program, --plugins, then the manifest's "plugins"), and binds the manifest with the host's
    /// loader. The caller disposes the host once the command is done.
    /// </summary>
    public (ServiceProvider Host, MethodDefinition Method) Load(ParseResult parse, string path, params FieldAssignment[] more)
    {
        var document = ManifestDocument.Load(path);
        document.Apply(From(parse).Concat(more));
        var host = Host(parse, document);
        try
        {
            return (host, host.GetRequiredService<ManifestLoader>().Load(document));
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>The --plugins folders as given.</summary>
    public IReadOnlyList<string> PluginFolders(ParseResult parse) => _plugins.Folders(parse);

    /// <summary>The host for <paramref name="document"/>: its registry holds the built-in blocks and every plugin it may use.</summary>
    public ServiceProvider Host(ParseResult parse, ManifestDocument document) => _plugins.Host(parse, document);

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
