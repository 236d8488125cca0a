using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;

namespace Taxonomy.Host.Registry;

/// <summary>One registered block: its role, manifest name, classes, where it came from and how to create it.</summary>
/// <param name="Create">A new instance from its bound options (of <paramref name="OptionsType"/>).</param>
public sealed record BlockDescriptor(
    BlockRole Role,
    string Name,
    Type ImplementationType,
    Type OptionsType,
    string Summary,
    string Origin,
    Func<BlockOptions, IBlock> Create);
