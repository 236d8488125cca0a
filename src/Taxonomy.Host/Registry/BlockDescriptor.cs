using Taxonomy.Abstractions.Registration;

namespace Taxonomy.Host.Registry;

/// <summary>One registered block: its role, manifest name, classes and where it came from.</summary>
public sealed record BlockDescriptor(
    BlockRole Role,
    string Name,
    Type ImplementationType,
    Type OptionsType,
    string Summary,
    string Origin);
