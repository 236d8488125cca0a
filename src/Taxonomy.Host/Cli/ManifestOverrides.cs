using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Taxonomy.Host.Manifest;

namespace Taxonomy.Host.Cli;

/// <summary>The command-line options that override manifest fields (turned into `--set` assignments) and `--plugins`.</summary>
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
    public LoadedManifest Load(ParseResult parse, string path, IEnumerable<string>? more = null)
    {
        var document = ManifestDocument.Load(path);
        foreach (var assignment in From(parse).Concat(more ?? []))
        {
            document.Set(assignment);
        }
        var services = Services(parse, document);
        try
        {
            return new LoadedManifest(services, services.GetRequiredService<ManifestLoader>().Load(document));
        }
        catch
        {
            services.Dispose();
            throw;
        }
    }

    /// <summary>The --plugins folders as given.</summary>
    public IReadOnlyList<string> PluginFolders(ParseResult parse) => _plugins.Folders(parse);

    /// <summary>The block catalogue for <paramref name="document"/>: built-in blocks and every plugin it may use.</summary>
    public ServiceProvider Services(ParseResult parse, ManifestDocument document) => _plugins.Services(parse, document);

    public IEnumerable<string> From(ParseResult parse)
    {
        foreach (var assignment in parse.GetValue(_set) ?? [])
        {
            yield return assignment;
        }
        if (parse.GetValue(_data) is { } data)
        {
            yield return $"data.source=\"{data.Replace("\\", "\\\\").Replace("\"", "\\\"")}\"";
        }
        if (parse.GetValue(_clusters) is { } clusters)
        {
            yield return $"clusters={clusters}";
        }
        if (parse.GetValue(_seed) is { } seed)
        {
            yield return $"seed={seed}";
        }
    }
}

/// <summary>A bound manifest and the services (block catalogue, plugins) it was bound with; disposing ends the services.</summary>
internal sealed record LoadedManifest(ServiceProvider Services, MethodDefinition Method) : IDisposable
{
    public void Dispose() => Services.Dispose();
}
