using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.ClusterUpdates;

namespace Taxonomy.Blocks.ClusteringLosses;

/// <summary>
/// DipDECK's clustering loss (Leiber et al. 2021, Sec. 3.3; ClustPy's dipdeck.py): every sample is pulled towards
/// the centre of its own cluster and towards the other centres in proportion to the dip p-value between its cluster
/// and theirs, so clusters that look like one grow together before they merge:
/// L = mean_i Σ_j W[c_i, j] ‖z_i − μ_j‖² · (1 + σ) / m, with W the rows of (P + I) normalised to sum 1 (P the dip
/// p-values), and m and σ the mean and standard deviation of the distances between distinct centres, which keep the
/// loss from shrinking the embedding as a whole. The centres μ_j are the embedded centre samples of the cluster state,
/// computed with gradients in the same step, so the network moves them too. c_i is the sample's nearest centre, or its
/// stored assignment in the first epoch after the start and after a merge. ClustPy weighs it 1 against a reconstruction
/// error summed over the input features; perInputFeature keeps that balance against the framework's mean.
/// </summary>
[Block("dipdeck", Summary = "DipDECK's loss: pull to the own centre and to other centres weighted by their dip p-values, normalised by the spread of the centres.")]
public sealed class DipDeckLoss(PerInputFeatureLossOptions options) : IClusteringLoss
{
    public double Weight => options.Weight;

    public IReadOnlyCollection<StateKey> Requires => [DipDeckUpdater.Clusters, ClusterStateKeys.HardAssignments];

    public torch.Tensor Compute(StepInput step)
    {
        var run = step.Run;
        var clusters = run.State.Require(DipDeckUpdater.Clusters, "dipdeck loss");
        var centreInputs = run.Data.Features.index_select(0, torch.tensor(Array.ConvertAll(clusters.Centres, c => (long)c)));
        var centres = run.FeatureSelector.Select(run.Branch.Forward(centreInputs, run.FeatureSelector.RequiredLayers.ToHashSet()));
        var features = step.Features;
        var distances = SquaredDifferences(features, centres);                        // [b, k]
        var own = clusters.UseStoredAssignments
            ? KMeansLoss.BatchClusters(step, run.State.Require(ClusterStateKeys.HardAssignments, "dipdeck loss"))
            : distances.detach().argmin(1);
        var pull = PullWeights(clusters.PValues).index_select(0, own).mul(distances).sum(1).mean();
        return options.Scaled(pull.mul(Spread(centres)), step.Batch.Inputs);
    }

    /// <summary>(P + I) with every row divided by its sum: a cluster's weight on itself and on the clusters like it.</summary>
    internal static torch.Tensor PullWeights(double[,] pValues)
    {
        var k = pValues.GetLength(0);
        var weights = new float[k * k];
        for (var a = 0; a < k; a++)
        {
            var sum = 1.0;
            for (var b = 0; b < k; b++)
            {
                sum += a == b ? 0 : pValues[a, b];
            }
            for (var b = 0; b < k; b++)
            {
                weights[a * k + b] = (float)((a == b ? 1 : pValues[a, b]) / sum);
            }
        }
        return torch.tensor(weights, [k, k]);
    }

    /// <summary>
    /// (1 + σ) / m over the distances between distinct centres (both orders, coinciding centres left out, as ClustPy);
    /// σ counts only with more than two distances, and a single centre gives 1.
    /// </summary>
    internal static torch.Tensor Spread(torch.Tensor centres)
    {
        var squared = SquaredDifferences(centres, centres);
        var apart = squared.masked_select(squared.ne(0)).sqrt();
        if (apart.numel() == 0)
        {
            return torch.ones([], dtype: centres.dtype);
        }
        var deviation = apart.numel() > 2 ? apart.std() : torch.zeros([], dtype: centres.dtype);
        return deviation.add(1).div(apart.mean());
    }

    /// <summary>‖x_i − y_j‖² [n, m] from the differences, so that a point's distance to itself is exactly 0.</summary>
    private static torch.Tensor SquaredDifferences(torch.Tensor x, torch.Tensor y) =>
        x.unsqueeze(1).sub(y.unsqueeze(0)).square().sum(2);
}
