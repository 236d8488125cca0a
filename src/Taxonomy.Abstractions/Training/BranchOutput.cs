using TorchSharp;

namespace Taxonomy.Abstractions.Training;

/// <summary>The named outputs of one forward pass. The tensors belong to the step's dispose scope.</summary>
public sealed class BranchOutput
{
    private readonly Dictionary<string, torch.Tensor> _layers = new(StringComparer.Ordinal);

    public void Set(string layer, torch.Tensor value) => _layers[layer] = value;

    public bool Contains(string layer) => _layers.ContainsKey(layer);

    public IReadOnlyCollection<string> Names => _layers.Keys;

    public torch.Tensor this[string layer] =>
        _layers.TryGetValue(layer, out var tensor)
            ? tensor
            : throw new KeyNotFoundException(
                $"The branch did not compute the layer '{layer}'. Computed: {string.Join(", ", _layers.Keys)}.");
}
