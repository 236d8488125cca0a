using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Clustering;

namespace Taxonomy.Blocks.ClusteringLosses;

/// <summary>How the inverse temperature α of the soft k-means loss moves through the clustering phase.</summary>
public enum AlphaSchedule
{
    /// <summary>α = alpha throughout (DKM with pre-training, ClustPy's default: 1000).</summary>
    Fixed,

    /// <summary>DKM's annealing: α_1 = alphaStart, α_n = 2^{1/ln(n)²}·α_{n−1} for n = 2 … alphaSteps, each held for an equal share of the phase.</summary>
    Dkm,

    /// <summary>α rises continuously and geometrically from alphaStart to alpha over the phase.</summary>
    Geometric,
}

/// <summary>
/// Deep k-Means (Fard et al. 2020): the k-means loss made differentiable, Σ_k softmax_k(−α‖z_i − μ_k‖²)·‖z_i − μ_k‖²,
/// mean over the batch. Gradients reach the features and, when the updater made them trainable, the centroids. As
/// α → ∞ the weights become the hard nearest-centroid assignment, i.e. the k-means objective. Like DKM's code (and unlike
/// ClustPy, which weights the distance ‖·‖ itself) the weighted term is the squared distance.
/// </summary>
[Block("soft-kmeans", Summary = "DKM's soft k-means loss: softmax(−α‖z − μ‖²)-weighted squared distances; α fixed or annealed.")]
public sealed class SoftKMeansLoss(SoftKMeansLoss.Options options) : IClusteringLoss
{
    public sealed class Options : PerInputFeatureLossOptions
    {
        [Description("Inverse temperature α: its value for the 'fixed' schedule (ClustPy's DKM default: 1000) and the end of the 'geometric' one.")]
        [Range(1e-6, 1e9)]
        public double Alpha { get; set; } = 1000;

        [Description("fixed: α = alpha; dkm: DKM's annealing α_n = 2^{1/ln(n)²}·α_{n−1} from α_1 = alphaStart, in alphaSteps equal parts of the phase; geometric: from alphaStart to alpha, continuously.")]
        public AlphaSchedule AlphaSchedule { get; set; } = AlphaSchedule.Fixed;

        [Description("First α of the 'dkm' and 'geometric' schedules (DKM: 0.1).")]
        [Range(1e-6, 1e9)]
        public double AlphaStart { get; set; } = 0.1;

        [Description("Number of α values of the 'dkm' schedule (DKM: 40).")]
        [Range(1, 10_000)]
        public int AlphaSteps { get; set; } = 40;
    }

    private readonly double[] _dkmAlphas = DkmAlphas(options.AlphaStart, options.AlphaSteps);

    public double Weight => options.Weight;

    public IReadOnlyCollection<StateKey> Requires => [ClusterStateKeys.Centroids];

    public torch.Tensor Compute(StepInput step)
    {
        var centroids = step.Run.State.Get(ClusterStateKeys.Centroids)
            ?? throw new InvalidOperationException("soft-kmeans loss: the cluster state has no centroids yet.");
        var distances = KMeans.SquaredDistances(step.Features, centroids);
        var weights = distances.mul(-AlphaAt(step.Run.Progress)).softmax(1);
        return options.Scaled(weights.mul(distances).sum(1).mean(), step.Batch.Inputs);
    }

    /// <summary>α at a point of training (see <see cref="AlphaSchedule"/>).</summary>
    public double AlphaAt(TrainingProgress progress) => options.AlphaSchedule switch
    {
        AlphaSchedule.Dkm => _dkmAlphas[Math.Min(_dkmAlphas.Length - 1, (int)(progress.Fraction * _dkmAlphas.Length))],
        AlphaSchedule.Geometric => options.AlphaStart * Math.Pow(options.Alpha / options.AlphaStart, progress.Fraction),
        _ => options.Alpha,
    };

    /// <summary>DKM's sequence (MaziarMF/deep-k-means, dkm.py): α_1 = start, α_n = 2^{1/ln(n)²}·α_{n−1}; 0.1 rises to ≈ 28 in 40 steps.</summary>
    private static double[] DkmAlphas(double start, int steps)
    {
        var alphas = new double[Math.Max(1, steps)];
        alphas[0] = start;
        for (var i = 1; i < alphas.Length; i++)
        {
            alphas[i] = Math.Pow(2, 1 / Math.Pow(Math.Log(i + 1), 2)) * alphas[i - 1];
        }
        return alphas;
    }
}
