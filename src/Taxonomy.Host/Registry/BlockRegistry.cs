using System.Reflection;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;

namespace Taxonomy.Host.Registry;

/// <summary>
/// The block catalogue: descriptors by role and name, and with the run's <c>IRunContext</c> the whole composition root.
/// A block's constructor receives its bound options and nothing else; what a run provides (data, branch, cluster state,
/// randomness, k-means, log) reaches the block through the <c>IRunContext</c> its methods are given.
/// </summary>
public sealed class BlockRegistry : IBlockRegistry
{
    private readonly Dictionary<(BlockRole, string), BlockDescriptor> _blocks = [];

    /// <summary>Origin recorded for blocks registered from now on (an assembly path for plugins).</summary>
    public string CurrentOrigin { get; set; } = "built-in";

    public IReadOnlyCollection<BlockDescriptor> All => _blocks.Values;

    public IBlockRegistry Add<TBlock, TOptions>()
        where TBlock : class, IBlock
        where TOptions : BlockOptions, new() =>
        Add(typeof(TBlock), typeof(TOptions), Constructor(typeof(TBlock), typeof(TOptions)));

    /// <summary>
    /// Registers a block the host creates from its options and something the host alone holds: the convolution branches
    /// get the platform's <c>IConvolutionChoice</c> this way (see <see cref="BlockCatalogue"/>). The block is still created
    /// only here, from its bound options; this overload is the host's, not part of the plugins' <see cref="IBlockRegistry"/>.
    /// </summary>
    public BlockRegistry Add<TBlock, TOptions>(Func<TOptions, TBlock> create)
        where TBlock : class, IBlock
        where TOptions : BlockOptions, new()
    {
        ArgumentNullException.ThrowIfNull(create);
        Add(typeof(TBlock), typeof(TOptions), options => create((TOptions)options));
        return this;
    }

    private BlockRegistry Add(Type type, Type options, Func<BlockOptions, IBlock> create)
    {
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
        _blocks[key] = new BlockDescriptor(roles[0], attribute.Name, type, options, attribute.Summary, CurrentOrigin, create);
        return this;
    }

    /// <summary>
    /// Creates the block from its public constructor taking its options, else its parameterless one; checked here, so
    /// that a block that cannot be created is refused when it is registered, not when a manifest first names it.
    /// </summary>
    private static Func<BlockOptions, IBlock> Constructor(Type block, Type options)
    {
        var constructors = block.GetConstructors();
        if (constructors.FirstOrDefault(c => c.GetParameters() is [var p] && p.ParameterType.IsAssignableFrom(options)) is { } withOptions)
        {
            return o => (IBlock)withOptions.Invoke(BindingFlags.DoNotWrapExceptions, null, [o], null);
        }
        if (constructors.FirstOrDefault(c => c.GetParameters().Length == 0) is { } parameterless)
        {
            return _ => (IBlock)parameterless.Invoke(BindingFlags.DoNotWrapExceptions, null, [], null);
        }
        throw new InvalidOperationException(
            $"{block.FullName} needs a public constructor that takes its options ({options.Name}) or nothing; a block " +
            "receives the run's services through the IRunContext its methods are given, not through its constructor.");
    }

    public IReadOnlyList<BlockDescriptor> OfRole(BlockRole role) =>
        _blocks.Values.Where(d => d.Role == role).OrderBy(d => d.Name, StringComparer.Ordinal).ToList();

    public BlockDescriptor? Find(BlockRole role, string name) => _blocks.GetValueOrDefault((role, name));
}
