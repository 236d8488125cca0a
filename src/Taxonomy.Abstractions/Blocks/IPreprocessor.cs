using TorchSharp;

namespace Taxonomy.Abstractions.Blocks;

/// <summary>
/// Taxonomy column "preprocessing": turns the raw feature tensor [n, ...] into the network's input.
/// It may fit statistics on the training data (unsupervised), which a trained model keeps to transform new data the
/// same way, and may change the sample shape. Returns a new tensor; never disposes its input.
/// </summary>
public interface IPreprocessor : IBlock
{
    /// <summary>Fits what the preprocessor learns from data (if anything) on the training data, and transforms it.</summary>
    torch.Tensor Apply(torch.Tensor features);

    /// <summary>
    /// Transforms new data with what <see cref="Apply"/> fitted. The default applies again, which is right only for a
    /// preprocessor that fits nothing; one that fits statistics derives from <see cref="FittedPreprocessor"/>.
    /// </summary>
    torch.Tensor Transform(torch.Tensor features) => Apply(features);

    /// <summary>What <see cref="Apply"/> fitted, as named tensors saved with a model; empty when it fits nothing.</summary>
    IReadOnlyDictionary<string, torch.Tensor> Fitted => new Dictionary<string, torch.Tensor>();

    /// <summary>Restores what <see cref="Fitted"/> held, from a saved model (the tensors are copied).</summary>
    void Restore(IReadOnlyDictionary<string, torch.Tensor> fitted)
    {
        if (fitted.Count > 0)
        {
            throw new InvalidDataException(
                $"this preprocessor fits nothing, but the model holds fitted values ({string.Join(", ", fitted.Keys)})");
        }
    }
}
