using System.ComponentModel;
using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Clustering;

namespace Taxonomy.Blocks.ClusterUpdates;

/// <summary>
/// A diagonal Gaussian mixture over the embedded data at the start of each clustering phase, trained jointly with the
/// network afterwards (VaDE's prior p(c)·p(z|c)). The mixture is k-means's (or Ward's) clusters as Gaussians: means the centroids,
/// variances each cluster's per-dimension variance, weights the cluster fractions (scikit-learn's initialisation of
/// the GaussianMixture fit VaDE runs; its EM iterations are not run: the ELBO training moves the mixture from there).
/// The hard assignments follow the most responsible component over all data at the end of every epoch.
/// </summary>
[Block("mixture-init", Summary = "Diagonal Gaussian mixture from k-means on the embedded data (means, variances, weights), trained jointly by gradient (VaDE).")]
public sealed class MixtureInitUpdater(MixtureInitUpdater.Options options) : IClusterUpdater
{
    public sealed class Options : KMeansInitOptions
    {
        [Description("true: means, log-variances and log-weights are parameters the optimiser moves with the network (VaDE); false: they stay fixed.")]
        public bool Trainable { get; set; } = true;
    }

    /// <summary>Variance floor, so a cluster of identical points does not give an infinite density.</summary>
    private const double MinVariance = 1e-6;

    public IReadOnlyCollection<StateKey> Provides { get; } = [.. DiagonalMixture.Keys, ClusterStateKeys.HardAssignments];

    public void CheckComposition(Composition composition) => composition.RequireClusteringPhase(this, "clusterUpdater");

    public void OnPhaseStart(IRunContext run)
    {
        if (run.Progress.Phase.Kind != PhaseKind.Clustering)
        {
            return;
        }
        using var scope = torch.NewDisposeScope();
        var features = run.FeaturesOfAll();
        var (_, labels, how) = options.FirstClusters(run, features);
        var (means, logVariances, logWeights) = FromClusters(features, labels, run.Clusters);
        DiagonalMixture.Store(run.State, means, logVariances, logWeights, options.Trainable);
        run.State.Set(ClusterStateKeys.HardAssignments, labels);
        run.Log($"[{run.Progress.Phase.Name}] mixture initialisation from {how}: weights " +
                $"{string.Join(" ", logWeights.exp().data<float>().ToArray().Select(w => w.ToString("F3")))}, " +
                $"{(options.Trainable ? "trainable" : "fixed")}");
    }

    public UpdateOutcome OnEpochEnd(IRunContext run)
    {
        if (run.Progress.Phase.Kind == PhaseKind.Clustering && run.State.Has(DiagonalMixture.LogWeights))
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            var (means, logVariances, logWeights) = DiagonalMixture.Of(run.State, "mixture-init");
            run.State.Set(ClusterStateKeys.HardAssignments, DiagonalMixture.JointLogDensities(run.FeaturesOfAll(), means, logVariances, logWeights)
                .argmax(1).to(torch.int32).data<int>().ToArray());
        }
        return UpdateOutcome.Continue;
    }

    /// <summary>
    /// Each cluster as a Gaussian: its mean, its per-dimension variance (floored) and its share of the data, as
    /// log-variances [k, d] and log-weights [k]. An empty cluster counts as one point so its weight stays finite.
    /// </summary>
    internal static (torch.Tensor Means, torch.Tensor LogVariances, torch.Tensor LogWeights) FromClusters(
        torch.Tensor features, int[] labels, int clusters)
    {
        var x = features.to(torch.float64);
        var members = torch.nn.functional.one_hot(torch.tensor(labels, torch.int64), clusters).to(torch.float64);  // [n, k]
        var counts = members.sum([0]);   // not sum(0): a literal 0 binds to the dtype overload
        var sizes = counts.clamp_min(1).unsqueeze(1);
        var means = ClusterMeans.Of(x, labels, clusters);
        var centred = x - means.index_select(0, torch.tensor(labels, torch.int64));
        var variances = (members.t().mm(centred.square()) / sizes).clamp_min(MinVariance);
        var weights = counts.clamp_min(1) / counts.clamp_min(1).sum();
        return (means.to(features.dtype), variances.log().to(features.dtype), weights.log().to(features.dtype));
    }
}
