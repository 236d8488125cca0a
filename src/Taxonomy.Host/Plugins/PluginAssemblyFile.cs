using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Blocks.Data;

namespace Taxonomy.Host.Plugins;

/// <summary>
/// What can be known of a plugin assembly and its X.deps.json without loading them: that both are readable files,
/// that the assembly is a .NET assembly, and which Taxonomy.Abstractions it was built against.
/// </summary>
internal static class PluginAssemblyFile
{
    private static readonly string s_contractName = typeof(ITaxonomyPlugin).Assembly.GetName().Name!;

    public static void Check(string path, Version host)
    {
        RequireFile(path);
        if (ReferencedContract(path) is { } used && !Compatible(used, host))
        {
            throw new PluginException($"plugin {path} was built against {s_contractName} {used.ToString(2)}, the host has " +
                                      $"{host.ToString(2)}. Rebuild the plugin against this version.");
        }
        var deps = Path.ChangeExtension(path, ".deps.json");
        if (File.Exists(deps) || Directory.Exists(deps))
        {
            RequireFile(deps);
            DepsFile.Check(deps);
        }
    }

    /// <summary>
    /// Same major version, and no newer than the host (a plugin may use what a later minor version added); before
    /// 1.0 every minor version may break the contract, so it must match too.
    /// </summary>
    private static bool Compatible(Version used, Version host) =>
        used.Major == host.Major && (host.Major == 0 ? used.Minor == host.Minor : used.Minor <= host.Minor);

    private static void RequireFile(string path)
    {
        if (LocalFile.Problem(path) is { } problem)
        {
            throw new PluginException($"{path}: {problem}.");
        }
    }

    /// <summary>The version of Taxonomy.Abstractions the assembly references, or null when it references none.</summary>
    private static Version? ReferencedContract(string path)
    {
        try
        {
            using var pe = new PEReader(File.OpenRead(path));
            if (!pe.HasMetadata || !pe.GetMetadataReader().IsAssembly)
            {
                throw NotAssembly(path, "it has no .NET metadata; a native library is not a plugin");
            }
            var metadata = pe.GetMetadataReader();
            return metadata.AssemblyReferences
                .Select(metadata.GetAssemblyReference)
                .Where(reference => metadata.GetString(reference.Name) == s_contractName)
                .Select(reference => reference.Version)
                .FirstOrDefault();
        }
        catch (BadImageFormatException e)
        {
            throw NotAssembly(path, e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PluginException($"{path}: cannot read the file: {e.Message}", e);
        }
    }

    private static PluginException NotAssembly(string path, string reason) =>
        new($"{path}: the plugin assembly could not be loaded: it is not a .NET assembly ({reason.TrimEnd('.')}).");
}
