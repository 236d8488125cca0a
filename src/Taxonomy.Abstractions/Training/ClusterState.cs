using TorchSharp;
using TorchSharp.Modules;

namespace Taxonomy.Abstractions.Training;

/// <summary>
/// What the clustering knows between steps: centroids, hard assignments of every sample, the target
/// distribution, pair thresholds, and named extras for plugin blocks. It owns its tensors: setting a value
/// takes the tensor out of any dispose scope and disposes the previous one.
/// </summary>
public sealed class ClusterState(int clusters) : IDisposable
{
    private torch.Tensor? _centroids;
    private torch.Tensor? _target;

    public int Clusters { get; } = clusters;

    /// <summary>Centroids [k, d] in feature space; a <see cref="Parameter"/> when trained jointly.</summary>
    public torch.Tensor? Centroids => _centroids;

    /// <summary>The trainable centroids, when an updater chose joint updates; the trainer optimises them.</summary>
    public Parameter? TrainableCentroids => _centroids as Parameter;

    /// <summary>Hard assignment of every sample of the data set (index = sample), or null.</summary>
    public int[]? HardAssignments { get; set; }

    /// <summary>Target distribution P over the whole data set, [n, k] (DEC-style), or null.</summary>
    public torch.Tensor? TargetDistribution
    {
        get => _target;
        set => Replace(ref _target, value);
    }

    /// <summary>Upper and lower similarity thresholds for pairwise losses (DAC), or null.</summary>
    public (double Upper, double Lower)? PairThresholds { get; set; }

    /// <summary>State a plugin's loss and updater share, by a name they agree on.</summary>
    public Dictionary<string, object> Items { get; } = new(StringComparer.Ordinal);

    /// <summary>Sets the centroids (copied); trainable ones become a parameter that the optimiser moves.</summary>
    public void SetCentroids(torch.Tensor centroids, bool trainable)
    {
        var copy = centroids.detach().clone();
        torch.Tensor next = trainable ? new Parameter(copy, requires_grad: true) : copy;
        Replace(ref _centroids, next);
    }

    private static void Replace(ref torch.Tensor? field, torch.Tensor? value)
    {
        if (ReferenceEquals(field, value))
        {
            return;
        }
        value?.DetachFromDisposeScope();
        field?.Dispose();
        field = value;
    }

    public void Dispose()
    {
        _centroids?.Dispose();
        _target?.Dispose();
        _centroids = null;
        _target = null;
    }
}
