using TorchSharp;

namespace Taxonomy.Abstractions.Blocks;

/// <summary>
/// A preprocessor that learns statistics from the training data (a standardiser's means, a PCA's components): it
/// fits them in <see cref="Apply"/>, keeps them, and transforms new data with them, so a saved model preprocesses
/// new data exactly as it did the training data. Subclasses say what to fit and how to transform.
/// </summary>
public abstract class FittedPreprocessor : IPreprocessor, IDisposable
{
    private readonly Dictionary<string, torch.Tensor> _fitted = new(StringComparer.Ordinal);

    /// <summary>The names of the tensors <see cref="Fit"/> returns, e.g. ["mean", "scale"].</summary>
    protected abstract IReadOnlyList<string> FittedNames { get; }

    /// <summary>The statistics of the training data, one new tensor per name of <see cref="FittedNames"/>.</summary>
    protected abstract IReadOnlyDictionary<string, torch.Tensor> Fit(torch.Tensor features);

    /// <summary>Transforms <paramref name="features"/> with fitted statistics; a new tensor.</summary>
    protected abstract torch.Tensor Transform(torch.Tensor features, IReadOnlyDictionary<string, torch.Tensor> fitted);

    public torch.Tensor Apply(torch.Tensor features)
    {
        using (var scope = torch.NewDisposeScope())
        {
            Store(Fit(features), copy: false);
        }
        return Transform(features);
    }

    public torch.Tensor Transform(torch.Tensor features) => _fitted.Count == 0
        ? throw new InvalidOperationException("the preprocessor transforms with fitted statistics, but it has not been fitted")
        : Transform(features, _fitted);

    public IReadOnlyDictionary<string, torch.Tensor> Fitted => _fitted;

    public void Restore(IReadOnlyDictionary<string, torch.Tensor> fitted)
    {
        if (!fitted.Keys.Order(StringComparer.Ordinal).SequenceEqual(FittedNames.Order(StringComparer.Ordinal)))
        {
            throw new InvalidDataException(
                $"the model holds fitted values {Names(fitted.Keys)}, but this preprocessor fits {Names(FittedNames)}");
        }
        Store(fitted, copy: true);
    }

    private void Store(IReadOnlyDictionary<string, torch.Tensor> fitted, bool copy)
    {
        foreach (var name in FittedNames)
        {
            var value = fitted.TryGetValue(name, out var tensor)
                ? (copy ? tensor.detach().clone() : tensor.detach())
                : throw new InvalidOperationException($"the fit returned no '{name}'");
            value.DetachFromDisposeScope();
            if (_fitted.Remove(name, out var previous))
            {
                previous.Dispose();
            }
            _fitted[name] = value;
        }
    }

    private static string Names(IEnumerable<string> names) => "(" + string.Join(", ", names) + ")";

    public void Dispose()
    {
        foreach (var tensor in _fitted.Values)
        {
            tensor.Dispose();
        }
        _fitted.Clear();
        GC.SuppressFinalize(this);
    }
}
