using Taxonomy.Abstractions.Registration;
using Taxonomy.Host.Registry;

namespace Taxonomy.Host.Manifest;

/// <summary>One block chosen by a manifest: what it is, its bound options, and where it was written.</summary>
public sealed record BlockSpec(BlockDescriptor Descriptor, BlockOptions Options, string Path)
{
    public string Describe() => $"{Path} ('{Descriptor.Name}')";
}

/// <summary>A validated manifest: the run settings and one block per role (a list of preprocessors).</summary>
public sealed record MethodDefinition(
    string File,
    string? Directory,
    RunSettings Settings,
    IReadOnlyList<BlockSpec> Preprocessors,
    IReadOnlyDictionary<BlockRole, BlockSpec> Blocks)
{
    public string Name => string.IsNullOrWhiteSpace(Settings.Name) ? System.IO.Path.GetFileNameWithoutExtension(File) : Settings.Name;

    public BlockSpec this[BlockRole role] => Blocks[role];
}
