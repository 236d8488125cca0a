using System.Reflection;
using McMaster.NETCore.Plugins;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Host.Registry;
using TorchSharp;

namespace Taxonomy.Host.Plugins;

/// <summary>A folder to load plugins from and who named it, for messages ("--plugins", "m.json: plugins[0]").</summary>
/// <param name="Optional">When true, a missing or empty folder is skipped instead of reported (plugins/ next to the program).</param>
public sealed record PluginFolder(string Path, string Source, bool Optional = false);

/// <summary>
/// Loads plugin assemblies and lets each <see cref="ITaxonomyPlugin"/> in them register its blocks. Each assembly gets
/// its own load context (McMaster.NETCore.Plugins; this is the only file that knows it) in which our contract and
/// TorchSharp resolve to the host's copies, so a plugin's blocks implement *our* interfaces and exchange *our* tensors.
/// Before the loader sees an assembly, <see cref="PluginAssemblyFile"/> checks it and its .deps.json, since the
/// loader's native dependency resolver aborts the process on some malformed files instead of throwing.
/// </summary>
public static class PluginHost
{
    /// <summary>plugins/ next to the program: each plugin in its own subfolder, plugins/&lt;Name&gt;/&lt;Name&gt;.dll.</summary>
    public static string DefaultFolder { get; } = Path.Combine(AppContext.BaseDirectory, "plugins");

    private static readonly Type[] s_sharedTypes = [typeof(ITaxonomyPlugin), typeof(IBlock), typeof(torch)];

    private static readonly Version s_contract = typeof(ITaxonomyPlugin).Assembly.GetName().Version!;

    /// <summary>Loads every plugin assembly of the folders, in order, each once, into <paramref name="registry"/>.</summary>
    public static void LoadInto(BlockRegistry registry, IEnumerable<PluginFolder> folders)
    {
        foreach (var assembly in folders.SelectMany(Find).Distinct(StringComparer.Ordinal))
        {
            Load(assembly, registry);
        }
    }

    /// <summary>
    /// The plugin assemblies of a folder: each X.dll beside an X.deps.json (the project output that dotnet build and
    /// publish write; copied dependencies have no .deps.json of their own), and each &lt;Name&gt;/&lt;Name&gt;.dll in a subfolder.
    /// </summary>
    public static IReadOnlyList<string> Find(PluginFolder folder)
    {
        string path;
        try
        {
            path = Path.GetFullPath(folder.Path);
        }
        catch (ArgumentException e)   // an empty path, or one with a NUL character
        {
            throw new PluginException($"{folder.Source}: plugin folder '{folder.Path}' is not a usable path: {e.Message}", e);
        }
        if (!Directory.Exists(path))
        {
            return folder.Optional ? [] : throw new PluginException(File.Exists(path)
                ? $"{folder.Source}: plugin folder '{path}' is a file; give the folder that holds the plugin assembly."
                : $"{folder.Source}: plugin folder '{path}' not found.");
        }
        List<string> found;
        try
        {
            found = Directory.EnumerateFiles(path, "*.deps.json")
                .Select(deps => deps[..^".deps.json".Length] + ".dll")
                .Concat(Directory.EnumerateDirectories(path).Select(sub => Path.Combine(sub, Path.GetFileName(sub) + ".dll")))
                .Where(File.Exists)
                .Order(StringComparer.Ordinal)
                .ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PluginException($"{folder.Source}: cannot list plugin folder '{path}': {e.Message}", e);
        }
        return found.Count > 0 || folder.Optional ? found : throw new PluginException(
            $"{folder.Source}: no plugin assembly in '{path}': expected X.dll beside X.deps.json (the output of dotnet build " +
            "or publish) or a subfolder <Name>/<Name>.dll.");
    }

    private static void Load(string path, BlockRegistry registry)
    {
        // Everything the loader would trip over is checked first: it reports some faults by aborting the process.
        PluginAssemblyFile.Check(path, s_contract);
        Assembly assembly;
        try
        {
            assembly = PluginLoader.CreateFromAssemblyFile(path, s_sharedTypes).LoadDefaultAssembly();
        }
        catch (Exception e)
        {
            throw new PluginException($"{path}: the plugin assembly could not be loaded: {Reason(e)}", e);
        }
        var previous = registry.CurrentOrigin;
        registry.CurrentOrigin = path;
        try
        {
            foreach (var type in PluginTypes(path, assembly))
            {
                ((ITaxonomyPlugin)Activator.CreateInstance(type)!).Register(registry);
            }
        }
        catch (Exception e) when (e is not PluginException)
        {
            throw new PluginException($"{path}: {Reason(e)}", e);
        }
        finally
        {
            registry.CurrentOrigin = previous;
        }
    }

    /// <summary>The public, concrete ITaxonomyPlugin classes with a parameterless constructor (at least one).</summary>
    private static List<Type> PluginTypes(string path, Assembly assembly)
    {
        List<Type> types;
        try
        {
            types = assembly.GetExportedTypes()
                .Where(t => typeof(ITaxonomyPlugin).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
                .ToList();
        }
        catch (Exception e)
        {
            throw new PluginException($"{path}: the plugin assembly could not be loaded: {Reason(e)}", e);
        }
        return types.Count == 0
            ? throw new PluginException(
                $"{path}: no plugin in this assembly: it needs a public class implementing {typeof(ITaxonomyPlugin).FullName}.")
            : types;
    }

    /// <summary>The innermost useful message, on one line: reflection wrappers say nothing themselves.</summary>
    private static string Reason(Exception e)
    {
        while (e is TargetInvocationException or TypeInitializationException && e.InnerException is not null)
        {
            e = e.InnerException!;
        }
        if (e is ReflectionTypeLoadException { LoaderExceptions: var loader } && loader.FirstOrDefault(x => x is not null) is { } first)
        {
            e = first;
        }
        return string.Join(" ", e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}
