using TorchSharp;
using TorchSharp.Modules;

namespace Taxonomy.Abstractions.Training;

/// <summary>
/// What the clustering knows between steps, as typed slots (<see cref="StateKey{T}"/>) that the blocks owning them
/// declare: centroids and hard assignments (<see cref="ClusterStateKeys"/>), DEC's target distribution, VaDE's
/// mixture, DAC's thresholds, a plugin's own. It owns the tensors it holds: setting a tensor takes it out of any dispose
/// scope and disposes the value it replaces.
/// </summary>
public sealed class ClusterState(int clusters) : IDisposable
{
    private readonly Dictionary<StateKey, object> _values = new(ReferenceEqualityComparer.Instance);

    /// <summary>The number of clusters the run asked for.</summary>
    public int Clusters { get; } = clusters;

    /// <summary>The value of <paramref name="key"/>, or null while no block has set it.</summary>
    public T? Get<T>(StateKey<T> key) where T : class => _values.TryGetValue(key, out var value) ? (T)value : null;

    /// <summary>The value of <paramref name="key"/>; a block that reads a slot before its writer ran gets a clear error.</summary>
    public T Require<T>(StateKey<T> key, string reader) where T : class =>
        Get(key) ?? throw new InvalidOperationException($"{reader}: the cluster state has no '{key.Name}' yet.");

    public bool Has(StateKey key) => _values.ContainsKey(key);

    /// <summary>
    /// Sets (or, with null, clears) a slot. A tensor value is owned from now on (taken out of its dispose scope) and
    /// the tensor it replaces is disposed; use <see cref="SetCopy"/> to keep the caller's tensor.
    /// </summary>
    public void Set<T>(StateKey<T> key, T? value) where T : class
    {
        _values.TryGetValue(key, out var previous);
        if (ReferenceEquals(previous, value))
        {
            return;
        }
        (value as torch.Tensor)?.DetachFromDisposeScope();
        (previous as torch.Tensor)?.Dispose();
        if (value is null)
        {
            _values.Remove(key);
        }
        else
        {
            _values[key] = value;
        }
    }

    /// <summary>Sets a tensor slot to a copy of <paramref name="value"/>; a trainable copy is a parameter the optimiser moves.</summary>
    public void SetCopy(StateKey<torch.Tensor> key, torch.Tensor value, bool trainable)
    {
        var copy = value.detach().clone();
        Set(key, trainable ? new Parameter(copy, requires_grad: true) : copy);
    }

    /// <summary>The trainable parameter in a tensor slot, or null when the slot is empty or fixed.</summary>
    public Parameter? Trainable(StateKey<torch.Tensor> key) => Get(key) as Parameter;

    /// <summary>Every slot's value the optimiser moves (trainable centroids, a trainable mixture, ...).</summary>
    public IEnumerable<Parameter> TrainableParameters => _values.Values.OfType<Parameter>();

    /// <summary>The slots that are set, with their values.</summary>
    public IEnumerable<KeyValuePair<StateKey, object>> Entries => _values;

    /// <summary>Sets a slot from a value read from a model file (its type checked against the key's).</summary>
    public void Restore(StateKey key, object value)
    {
        if (!key.ValueType.IsInstanceOfType(value))
        {
            throw new InvalidDataException($"state '{key.Name}' holds a {value.GetType().Name}, not a {key.ValueType.Name}");
        }
        (value as torch.Tensor)?.DetachFromDisposeScope();
        if (_values.TryGetValue(key, out var previous) && !ReferenceEquals(previous, value))
        {
            (previous as torch.Tensor)?.Dispose();
        }
        _values[key] = value;
    }

    public void Dispose()
    {
        foreach (var tensor in _values.Values.OfType<torch.Tensor>())
        {
            tensor.Dispose();
        }
        _values.Clear();
    }
}

/// <summary>The slots every family of the taxonomy shares.</summary>
public static class ClusterStateKeys
{
    /// <summary>Centroids [k, d] in feature space; a parameter when trained jointly. Saved with a model.</summary>
    public static StateKey<torch.Tensor> Centroids { get; } = new("centroids", StateSerializers.Tensor);

    /// <summary>Hard assignment of every training sample (index = sample); training-only.</summary>
    public static StateKey<int[]> HardAssignments { get; } = new("hard-assignments");
}
