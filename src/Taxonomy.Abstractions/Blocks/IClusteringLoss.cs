using TorchSharp;
using TorchSharp.Modules;
using Taxonomy.Abstractions.Training;

namespace Taxonomy.Abstractions.Blocks;

/// <summary>
/// Taxonomy column "clustering loss": k-means, cluster hardening, balanced assignments, agglomerative,
/// information maximisation, pairwise, or none. It sees the selected features, every branch output,
/// the batch (with its indices into the data set) and the cluster state.
/// </summary>
public interface IClusteringLoss : IBlock
{
    double Weight { get; }

    bool Contributes => true;

    /// <summary>State slots this loss reads; the cluster updater must provide them.</summary>
    IReadOnlyCollection<StateKey> Requires => [];

    /// <summary>Extra branch outputs the loss reads besides the selected features (e.g. probabilities).</summary>
    IReadOnlyList<string> RequiredLayers => [];

    /// <summary>Trainable parameters the loss owns (e.g. a clustering layer), optimised with the branch.</summary>
    IEnumerable<Parameter> Parameters => [];

    torch.Tensor Compute(StepInput step);
}
