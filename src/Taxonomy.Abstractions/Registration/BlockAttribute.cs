namespace Taxonomy.Abstractions.Registration;

/// <summary>Names a block for manifests (kebab-case, unique per role) and summarises it for `taxonomy list`.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class BlockAttribute(string name) : Attribute
{
    public string Name { get; } = name;

    public string Summary { get; init; } = "";
}
