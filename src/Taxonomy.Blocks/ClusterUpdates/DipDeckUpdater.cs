using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Clustering;
using Taxonomy.Blocks.Statistics;

namespace Taxonomy.Blocks.ClusterUpdates;

/// <summary>
/// The clusters DipDECK trains towards. Each centre is a sample of the data set (its index), which the loss embeds
/// afresh at every step, so the centres move with the network. <see cref="PValues"/> are the dip p-values between the
/// clusters [k, k]; <see cref="UseStoredAssignments"/> says that the loss takes the stored hard assignments rather than
/// each sample's nearest centre, as in the first epoch after the start and after every merge.
/// </summary>
public sealed record DipDeckClusters(int[] Centres, double[,] PValues, bool UseStoredAssignments);

/// <summary>
/// DipDECK's cluster updates (Leiber et al., KDD 2021, Algorithm 1; ClustPy's dipdeck.py). At the start of the
/// clustering phase, k-means with the over-estimated k (initialClusters) clusters the embedding; each cluster's centre is
/// the sample nearest to its mean, and the dip p-value of every pair of clusters (<see cref="DipSimilarity"/>) is
/// computed. After every epoch, the samples go to their nearest (re-embedded) centre, each centre becomes the sample
/// nearest to its cluster's mean, and the p-values are computed again; then, while the highest p-value reaches the
/// merge threshold, that pair of clusters merges (its centre: the sample nearest to the size-weighted mean of the two
/// centres). The phase ends once stableEpochs epochs have passed without a merge: k is the number of clusters left.
/// </summary>
[Block("dipdeck", Summary = "DipDECK's updates: over-cluster with k-means, dip p-values between all clusters, merge the most unimodal pair while its p-value reaches the threshold, stop when k stays.")]
public sealed class DipDeckUpdater(DipDeckUpdater.Options options) : IClusterUpdater
{
    public sealed class Options : KMeansInitOptions
    {
        [Description("The over-estimated number of clusters k-means starts from; the method estimates k from there, so the manifest gives no \"clusters\" (DipDECK: 35).")]
        [Range(2, 1_000_000)]
        public int InitialClusters { get; set; } = 35;

        [Description("Two clusters merge when the dip p-value of their projection onto the axis through their centres reaches this (DipDECK: 0.9).")]
        [Range(0.0, 1.0)]
        public double MergeThreshold { get; set; } = 0.9;

        [Description("The phase ends after this many epochs without a merge; every merge starts the count again (ClustPy's clustering_epochs: 50).")]
        [Range(1, 100_000)]
        public int StableEpochs { get; set; } = 50;

        [Description("No merge below this many clusters (ClustPy's min_n_clusters: 1).")]
        [Range(1, 1_000_000)]
        public int MinClusters { get; set; } = 1;

        [Description("A cluster with more than this many times the other's members is, for a second dip test, cut to its members nearest the other's centre; the lower p-value counts (ClustPy's max_cluster_size_diff_factor: 2).")]
        [Range(1.0, 1e6)]
        public double SizeRatio { get; set; } = 2;

        [Description("How a dip becomes a p-value: table (R diptest's table interpolation, ClustPy's default) or function (Bauer et al.'s fitted sigmoid).")]
        public DipPValueMethod PValue { get; set; } = DipPValueMethod.Table;

        public override IEnumerable<(string Option, string Message)> Validate()
        {
            if (MinClusters > InitialClusters)
            {
                yield return ("minClusters", $"must be at most initialClusters ({InitialClusters}); got {MinClusters}");
            }
        }
    }

    /// <summary>DipDECK's centre samples, p-values and assignment mode; training-only.</summary>
    public static StateKey<DipDeckClusters> Clusters { get; } = new("dipdeck-clusters");

    private int _epochsWithoutMerge;

    public IReadOnlyCollection<StateKey> Provides => [ClusterStateKeys.Centroids, ClusterStateKeys.HardAssignments, Clusters];

    public int? InitialClusters => options.InitialClusters;

    public void CheckComposition(Composition composition)
    {
        composition.RequireClusteringPhase(this, "clusterUpdater");
        composition.Require(this, composition.PostClustering.EstimatesClusters,
            $"estimates k, but {composition.Describe(composition.PostClustering)} clusters into the run's k " +
            $"({options.InitialClusters}, the start); use a post-clustering that keeps the estimate (e.g. 'estimated-centroids')");
    }

    public void OnPhaseStart(IRunContext run)
    {
        _epochsWithoutMerge = 0;
        if (run.Progress.Phase.Kind != PhaseKind.Clustering)
        {
            return;
        }
        using var scope = torch.NewDisposeScope();
        var features = run.FeaturesOfAll();
        var (means, labels, how) = options.FirstClusters(run, features);
        var centres = NearestSamples(features, means);
        var points = Rows(features);
        var pValues = DipSimilarity.Matrix(points, labels, centres.Select(c => points[c]).ToArray(), options.SizeRatio, options.PValue);
        Store(run, features, new DipDeckClusters(centres, pValues, UseStoredAssignments: true), labels);
        run.Log($"[{run.Progress.Phase.Name}] DipDECK start: k = {centres.Length} by {how}; highest dip p-value {Highest(pValues).PValue:F3}");
    }

    public UpdateOutcome OnEpochEnd(IRunContext run)
    {
        if (run.Progress.Phase.Kind != PhaseKind.Clustering || run.State.Get(Clusters) is not { } clusters)
        {
            return UpdateOutcome.Continue;
        }
        using var scope = torch.NewDisposeScope();
        var features = run.FeaturesOfAll();
        var points = Rows(features);
        var (centres, labels) = Recentre(features, clusters.Centres);
        var pValues = DipSimilarity.Matrix(points, labels, centres.Select(c => points[c]).ToArray(), options.SizeRatio, options.PValue);
        (centres, labels, pValues, var merges) = MergeUnimodal(points, centres, labels, pValues);
        foreach (var (a, b, p, k) in merges)
        {
            run.Log($"[{run.Progress.Phase.Name}] epoch {run.Progress.Epoch + 1}: merged clusters {a} and {b} " +
                    $"(dip p-value {p:F3} ≥ {options.MergeThreshold}), k = {k}");
        }
        _epochsWithoutMerge = merges.Count > 0 ? 0 : _epochsWithoutMerge + 1;
        Store(run, features, new DipDeckClusters(centres, pValues, UseStoredAssignments: merges.Count > 0), labels);
        if (centres.Length == 1 || _epochsWithoutMerge >= options.StableEpochs)
        {
            run.Log($"[{run.Progress.Phase.Name}] DipDECK: k = {centres.Length} " +
                    (centres.Length == 1 ? "(one cluster left)" : $"after {options.StableEpochs} epochs without a merge"));
            return UpdateOutcome.StopPhase;
        }
        return UpdateOutcome.Continue;
    }

    /// <summary>
    /// While more than minClusters are left and the highest p-value reaches the threshold, merges that pair. Returns the
    /// clusters after the merges, and each merge (the pair, its p-value and the k it left) in order.
    /// </summary>
    internal (int[] Centres, int[] Labels, double[,] PValues, List<(int A, int B, double PValue, int K)> Merges) MergeUnimodal(
        double[][] points, int[] centres, int[] labels, double[,] pValues)
    {
        var merges = new List<(int, int, double, int)>();
        while (centres.Length > options.MinClusters && Highest(pValues) is var (a, b, p) && p >= options.MergeThreshold)
        {
            (centres, labels, pValues) = Merge(points, centres, labels, pValues, a, b);
            merges.Add((a, b, p, centres.Length));
        }
        return (centres, labels, pValues, merges);
    }

    /// <summary>
    /// Merges clusters <paramref name="a"/> &lt; <paramref name="b"/>: b's samples join a, the clusters after b move down
    /// by one, a's centre becomes the sample nearest to the size-weighted mean of the two centres, and only a's p-values
    /// are computed again (no other cluster changed).
    /// </summary>
    private (int[] Centres, int[] Labels, double[,] PValues) Merge(double[][] points, int[] centres, int[] labels,
        double[,] pValues, int a, int b)
    {
        var (sizeA, sizeB) = ((double)labels.Count(l => l == a), (double)labels.Count(l => l == b));
        var (ca, cb) = (points[centres[a]], points[centres[b]]);
        var mean = sizeA + sizeB == 0
            ? ca.Select((v, d) => (v + cb[d]) / 2).ToArray()   // two empty clusters: the midpoint
            : ca.Select((v, d) => (sizeA * v + sizeB * cb[d]) / (sizeA + sizeB)).ToArray();
        var kept = Enumerable.Range(0, centres.Length).Where(c => c != b).ToArray();
        var merged = kept.Select(c => c == a ? Nearest(points, mean) : centres[c]).ToArray();
        var relabelled = labels.Select(l => l == b ? a : l > b ? l - 1 : l).ToArray();
        var reduced = new double[kept.Length, kept.Length];
        for (var i = 0; i < kept.Length; i++)
        {
            for (var j = 0; j < kept.Length; j++)
            {
                reduced[i, j] = pValues[kept[i], kept[j]];
            }
        }
        DipSimilarity.Refresh(reduced, a, points, relabelled, merged.Select(c => points[c]).ToArray(), options.SizeRatio, options.PValue);
        return (merged, relabelled, reduced);
    }

    /// <summary>The pair of clusters a &lt; b with the highest p-value (the first such pair in row order).</summary>
    internal static (int A, int B, double PValue) Highest(double[,] pValues)
    {
        var best = (A: -1, B: -1, PValue: double.NegativeInfinity);
        var k = pValues.GetLength(0);
        for (var a = 0; a < k; a++)
        {
            for (var b = a + 1; b < k; b++)
            {
                if (pValues[a, b] > best.PValue)
                {
                    best = (a, b, pValues[a, b]);
                }
            }
        }
        return best;
    }

    /// <summary>
    /// Every sample to its nearest centre, then each centre to the sample nearest its cluster's mean; a cluster left
    /// without samples keeps its centre (its dip test then sees only the other cluster, which favours merging it).
    /// </summary>
    private static (int[] Centres, int[] Labels) Recentre(torch.Tensor features, int[] centres)
    {
        var embedded = features.index_select(0, Indices(centres));
        var labels = KMeans.AssignNearest(features, embedded);
        var k = centres.Length;
        var counts = labels.bincount(null, k).to(features.dtype).unsqueeze(1);
        var sums = torch.zeros_like(embedded).index_add_(0, labels, features, 1);
        var means = torch.where(counts.gt(0), sums.div(counts.clamp_min(1)), embedded);
        var nearest = NearestSamples(features, means);
        var members = counts.squeeze(1).data<float>().ToArray();
        return (nearest.Select((c, i) => members[i] > 0 ? c : centres[i]).ToArray(), labels.to(torch.int32).data<int>().ToArray());
    }

    private static void Store(IRunContext run, torch.Tensor features, DipDeckClusters clusters, int[] labels)
    {
        run.State.Set(Clusters, clusters);
        run.State.Set(ClusterStateKeys.HardAssignments, labels);
        run.State.SetCopy(ClusterStateKeys.Centroids, features.index_select(0, Indices(clusters.Centres)), trainable: false);
    }

    /// <summary>The index of the sample nearest to each of <paramref name="targets"/> [m, d].</summary>
    private static int[] NearestSamples(torch.Tensor features, torch.Tensor targets) =>
        KMeans.AssignNearest(targets.to(features.dtype), features).to(torch.int32).data<int>().ToArray();

    private static int Nearest(double[][] points, double[] target)
    {
        var (best, distance) = (0, double.PositiveInfinity);
        for (var i = 0; i < points.Length; i++)
        {
            var d = DipSimilarity.SquaredDistance(points[i], target);
            if (d < distance)
            {
                (best, distance) = (i, d);
            }
        }
        return best;
    }

    private static torch.Tensor Indices(int[] rows) => torch.tensor(Array.ConvertAll(rows, r => (long)r));

    private static double[][] Rows(torch.Tensor features)
    {
        var d = (int)features.shape[1];
        var values = features.to(torch.float64).contiguous().data<double>().ToArray();
        return Enumerable.Range(0, (int)features.shape[0]).Select(i => values.AsSpan(i * d, d).ToArray()).ToArray();
    }
}
