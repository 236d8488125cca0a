using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Taxonomy.Host.Manifest;
using Taxonomy.Host.Plugins;
using Taxonomy.Host.Running;

namespace Taxonomy.Host.Cli;

/// <summary>
/// `--plugins DIR` (repeatable), and the plugin folders a command loads, in this order: plugins/ next to the program
/// (when it exists), each --plugins folder, then the manifest's "plugins" folders.
/// </summary>
internal sealed class PluginsOption
{
    private readonly Option<string[]> _folders = new("--plugins")
    {
        Description = "Load the plugin assemblies in DIR (X.dll beside X.deps.json, or <Name>/<Name>.dll) (repeatable).",
        AllowMultipleArgumentsPerToken = false,
    };

    public void AddTo(Command command) => command.Options.Add(_folders);

    /// <summary>The --plugins folders as given, for commands that pass them on to `taxonomy run`.</summary>
    public IReadOnlyList<string> Folders(ParseResult parse) => parse.GetValue(_folders) ?? [];

    /// <summary>
    /// The command's host (<see cref="TaxonomyHost"/>): its registry holds the built-in blocks plus those of every plugin
    /// found next to the program, on the command line and in the manifest. The caller disposes it.
    /// </summary>
    public ServiceProvider Host(ParseResult parse, ManifestDocument? manifest = null) =>
        TaxonomyHost.Create(
            new[] { new PluginFolder(PluginHost.DefaultFolder, "plugins next to the program", Optional: true) }
                .Concat((parse.GetValue(_folders) ?? []).Select(folder => new PluginFolder(folder, "--plugins")))
                .Concat(manifest?.PluginFolders() ?? []));
}
