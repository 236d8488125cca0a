using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;

namespace Taxonomy.Host.Registry;

/// <summary>
/// The block catalogue: descriptors by role and name. Keyed DI cannot list its keys, so the catalogue is ours;
/// instances are created per run inside the run's service scope.
/// </summary>
public sealed class BlockRegistry : IBlockRegistry
{
    private readonly Dictionary<(BlockRole, string), BlockDescriptor> _blocks = [];

    /// <summary>Origin recorded for blocks registered from now on (an assembly path for plugins).</summary>
    public string CurrentOrigin { get; set; } = "built-in";

    public IReadOnlyCollection<BlockDescriptor> All => _blocks.Values;

    public IBlockRegistry Add<TBlock, TOptions>()
        where TBlock : class, IBlock
        where TOptions : BlockOptions, new()
    {
        var type = typeof(TBlock);
        var attribute = type.GetCustomAttribute<BlockAttribute>()
            ?? throw new InvalidOperationException($"{type.FullName} has no [Block(\"name\")] attribute.");
        var roles = BlockRoles.Of(type);
        if (roles.Count != 1)
        {
            throw new InvalidOperationException(
                $"{type.FullName} must implement exactly one block role interface; it implements {roles.Count}.");
        }
        var key = (roles[0], attribute.Name);
        if (_blocks.TryGetValue(key, out var existing))
        {
            throw new InvalidOperationException(
                $"The {BlockRoles.Field(roles[0])} block '{attribute.Name}' is defined twice: by {existing.ImplementationType.FullName} " +
                $"({existing.Origin}) and by {type.FullName} ({CurrentOrigin}).");
        }
        _blocks[key] = new BlockDescriptor(roles[0], attribute.Name, type, typeof(TOptions), attribute.Summary, CurrentOrigin);
        return this;
    }

    public IReadOnlyList<BlockDescriptor> OfRole(BlockRole role) =>
        _blocks.Values.Where(d => d.Role == role).OrderBy(d => d.Name, StringComparer.Ordinal).ToList();

    public BlockDescriptor? Find(BlockRole role, string name) => _blocks.GetValueOrDefault((role, name));

    /// <summary>Creates a block with its bound options (passed to the constructor if it takes them) and DI services.</summary>
    public static IBlock Create(BlockDescriptor descriptor, BlockOptions options, IServiceProvider services)
    {
        var takesOptions = descriptor.ImplementationType.GetConstructors()
            .Any(c => c.GetParameters().Any(p => p.ParameterType.IsInstanceOfType(options)));
        var block = takesOptions
            ? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType, options)
            : ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType);
        return (IBlock)block;
    }
}
