using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;
using TorchSharp;

namespace MyBlocks;

/// <summary>
/// A robust k-means loss: the Huber function of the distance d from each sample's clustering features to its nearest
/// centroid, mean over the batch. Up to <see cref="Options.Delta"/> it is the k-means loss ½d²; beyond, it grows
/// linearly (δ·(d − ½δ)), so samples far from every centroid pull the embedding less than in k-means.
/// </summary>
[Block("huber-kmeans", Summary = "Robust k-means loss: Huber of the distance to the nearest centroid (½d² up to delta, linear beyond).")]
public sealed class HuberKMeansLoss(HuberKMeansLoss.Options options) : IClusteringLoss
{
    /// <summary>The manifest's options: { "type": "huber-kmeans", "delta": 1.0, "weight": 0.1 }.</summary>
    public sealed class Options : LossOptions
    {
        [Description("Distance to the nearest centroid beyond which the loss grows linearly instead of quadratically.")]
        [Range(1e-6, 1e6)]
        public double Delta { get; set; } = 1.0;
    }

    public double Weight => options.Weight;

    /// <summary>The host checks before training that the cluster updater provides centroids (e.g. 'kmeans-init').</summary>
    public IReadOnlyCollection<StateKey> Requires => [ClusterStateKeys.Centroids];

    /// <summary>
    /// The trainer owns the step's dispose scope: temporaries made here go with the step, and the returned loss too.
    /// Centroids made trainable by the updater (kmeans-init's "trainable": true) receive gradients as well.
    /// </summary>
    public torch.Tensor Compute(StepInput step)
    {
        var centroids = step.Run.State.Require(ClusterStateKeys.Centroids, "huber-kmeans");
        var features = step.Features;                                                  // [batch, d]
        var squared = features.unsqueeze(1).sub(centroids.unsqueeze(0)).square().sum(2); // [batch, k]
        // The square root has no gradient at 0 (a sample on its centroid): keep d² away from it.
        var distance = squared.min(1).values.clamp_min(1e-12).sqrt();
        var delta = options.Delta;
        var huber = torch.where(distance.le(delta), distance.square().mul(0.5), distance.sub(0.5 * delta).mul(delta));
        return huber.mean();
    }
}
