using System.Buffers.Binary;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using Taxonomy.Host.Plugins;

namespace Taxonomy.Tests.TestSupport;

/// <summary>The sample plugin as the build copies it for the tests, and broken plugins made from it or from nothing.</summary>
public static class PluginFiles
{
    public const string GmmName = "Taxonomy.Plugins.Gmm";

    /// <summary>test-plugins/ beside the test assembly (see TaxonomyPluginsFolder in the test project).</summary>
    public static string Root => Path.Combine(TestContext.CurrentContext.TestDirectory, "test-plugins");

    /// <summary>The sample plugin's folder: Taxonomy.Plugins.Gmm.dll, .deps.json, .pdb.</summary>
    public static string GmmFolder => Path.Combine(Root, GmmName);

    public static string GmmAssembly => Path.Combine(GmmFolder, GmmName + ".dll");

    public static PluginFolder Folder(string path) => new(path, "test");

    /// <summary>Copies the sample plugin to <paramref name="destination"/>; returns the copied assembly's path.</summary>
    public static string CopyGmm(string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.GetFiles(GmmFolder))
        {
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
        }
        return Path.Combine(destination, GmmName + ".dll");
    }

    /// <summary>Writes a valid assembly &lt;folder&gt;/&lt;name&gt;/&lt;name&gt;.dll with one public class and no plugin in it.</summary>
    public static string WriteAssemblyWithoutPlugin(string folder, string name)
    {
        var path = Path.Combine(folder, name, name + ".dll");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var builder = new PersistedAssemblyBuilder(new AssemblyName(name), typeof(object).Assembly);
        builder.DefineDynamicModule(name).DefineType($"{name}.NotAPlugin", TypeAttributes.Public | TypeAttributes.Class).CreateType();
        builder.Save(path);
        return path;
    }

    /// <summary>
    /// Clears the CLI header entry of <paramref name="assembly"/>'s PE data directories, so that it reads as a native
    /// library (a valid PE file without .NET metadata).
    /// </summary>
    public static void StripMetadata(string assembly)
    {
        var bytes = File.ReadAllBytes(assembly);
        int entry;
        using (var pe = new PEReader(new MemoryStream(bytes)))
        {
            // The data directories follow the optional header's 96 (PE32) or 112 (PE32+) fixed bytes; the CLI header is entry 14.
            var fixedPart = pe.PEHeaders.PEHeader!.Magic == PEMagic.PE32Plus ? 112 : 96;
            entry = pe.PEHeaders.PEHeaderStartOffset + fixedPart + 14 * 8;
        }
        bytes.AsSpan(entry, 8).Clear();
        File.WriteAllBytes(assembly, bytes);
    }

    /// <summary>Rewrites the version of Taxonomy.Abstractions that <paramref name="assembly"/> references, as if built against it.</summary>
    public static void SetReferencedContractVersion(string assembly, ushort major, ushort minor)
    {
        var bytes = File.ReadAllBytes(assembly);
        int row;
        using (var pe = new PEReader(new MemoryStream(bytes)))
        {
            var metadata = pe.GetMetadataReader();
            var reference = metadata.AssemblyReferences
                .Single(h => metadata.GetString(metadata.GetAssemblyReference(h).Name) == "Taxonomy.Abstractions");
            var size = metadata.GetTableRowSize(TableIndex.AssemblyRef);
            row = pe.PEHeaders.MetadataStartOffset + metadata.GetTableMetadataOffset(TableIndex.AssemblyRef)
                + (MetadataTokens.GetRowNumber(reference) - 1) * size;
        }
        // An AssemblyRef row starts with MajorVersion, MinorVersion (ECMA-335 II.22.5).
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(row), major);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(row + 2), minor);
        File.WriteAllBytes(assembly, bytes);
    }
}
