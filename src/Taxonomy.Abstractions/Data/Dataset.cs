using TorchSharp;

namespace Taxonomy.Abstractions.Data;

/// <summary>
/// An in-memory data set: features [n, ...] (float32, CPU) and, when known, one integer label per sample.
/// Owns its feature tensor.
/// </summary>
public sealed class Dataset : IDisposable
{
    public Dataset(string name, torch.Tensor features, int[]? labels, string source)
    {
        if (labels is not null && labels.Length != features.shape[0])
        {
            throw new ArgumentException(
                $"{source}: {features.shape[0]} samples but {labels.Length} labels.", nameof(labels));
        }
        Name = name;
        Features = features;
        Labels = labels;
        Source = source;
        features.DetachFromDisposeScope();
    }

    /// <summary>Short name for logs and results, e.g. "digits".</summary>
    public string Name { get; }

    /// <summary>Where it came from: a file, folder or generator description.</summary>
    public string Source { get; }

    public torch.Tensor Features { get; }

    public int[]? Labels { get; }

    public int Count => (int)Features.shape[0];

    /// <summary>Shape of one sample, e.g. [64] or [1, 28, 28].</summary>
    public long[] SampleShape => Features.shape[1..];

    /// <summary>The same samples and labels with new features (e.g. after preprocessing).</summary>
    public Dataset WithFeatures(torch.Tensor features) => new(Name, features, Labels, Source);

    public void Dispose() => Features.Dispose();
}
