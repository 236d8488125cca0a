using TorchSharp;
using Taxonomy.Abstractions.Training;

namespace Taxonomy.Blocks.Clustering;

/// <summary>
/// A Gaussian mixture with diagonal covariances over feature vectors: means [k, d], log-variances [k, d] and
/// unnormalised log-weights [k] (π = softmax). VaDE's prior p(c)·p(z|c); also its posterior q(c|x) ≈ p(c|z).
/// </summary>
public static class DiagonalMixture
{
    /// <summary>The mixture's log-variances [k, d] in the cluster state (its means are the centroids). Saved with a model.</summary>
    public static StateKey<torch.Tensor> LogVariances { get; } = new("mixture-log-variances", StateSerializers.Tensor);

    /// <summary>The mixture's unnormalised log-weights [k] in the cluster state. Saved with a model.</summary>
    public static StateKey<torch.Tensor> LogWeights { get; } = new("mixture-log-weights", StateSerializers.Tensor);

    /// <summary>The slots of a mixture: centroids (its means), log-variances and log-weights.</summary>
    public static IReadOnlyCollection<StateKey> Keys { get; } = [ClusterStateKeys.Centroids, LogVariances, LogWeights];

    /// <summary>
    /// Stores a mixture (copied) in the state: means [k, d] as the centroids, log-variances [k, d] and log-weights [k];
    /// trainable ones become parameters the optimiser moves (VaDE trains the prior by gradient).
    /// </summary>
    public static void Store(ClusterState state, torch.Tensor means, torch.Tensor logVariances, torch.Tensor logWeights, bool trainable)
    {
        if (logVariances.shape.Length != 2 || !logVariances.shape.SequenceEqual(means.shape) ||
            logWeights.shape.Length != 1 || logWeights.shape[0] != means.shape[0])
        {
            throw new ArgumentException(
                $"a mixture needs means [k, d], log-variances [k, d] and log-weights [k]; got [{string.Join(", ", means.shape)}], " +
                $"[{string.Join(", ", logVariances.shape)}] and [{string.Join(", ", logWeights.shape)}]");
        }
        state.SetCopy(ClusterStateKeys.Centroids, means, trainable);
        state.SetCopy(LogVariances, logVariances, trainable);
        state.SetCopy(LogWeights, logWeights, trainable);
    }

    /// <summary>The mixture of the state (means, log-variances, log-weights); <paramref name="reader"/> names the block for the error.</summary>
    public static (torch.Tensor Means, torch.Tensor LogVariances, torch.Tensor LogWeights) Of(ClusterState state, string reader) =>
        (state.Require(ClusterStateKeys.Centroids, reader), state.Require(LogVariances, reader), state.Require(LogWeights, reader));

    private static readonly double s_log2Pi = Math.Log(2 * Math.PI);

    /// <summary>log π_c + log N(z | μ_c, diag σ²_c) for every row z of <paramref name="features"/> and component c: [n, k].</summary>
    public static torch.Tensor JointLogDensities(torch.Tensor features, torch.Tensor means, torch.Tensor logVariances,
        torch.Tensor logWeights)
    {
        var squared = (features.unsqueeze(1) - means.unsqueeze(0)).square() / logVariances.exp().unsqueeze(0);
        var logDensity = (squared + logVariances.unsqueeze(0)).sum(2).add(features.shape[1] * s_log2Pi).mul(-0.5);
        return logDensity + torch.nn.functional.log_softmax(logWeights, 0).unsqueeze(0);
    }

    /// <summary>log p(c | z), the log-responsibilities, [n, k].</summary>
    public static torch.Tensor LogResponsibilities(torch.Tensor features, torch.Tensor means, torch.Tensor logVariances,
        torch.Tensor logWeights) =>
        torch.nn.functional.log_softmax(JointLogDensities(features, means, logVariances, logWeights), 1);
}
