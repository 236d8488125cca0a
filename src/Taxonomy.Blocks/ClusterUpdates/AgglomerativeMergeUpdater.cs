using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;

namespace Taxonomy.Blocks.ClusterUpdates;

/// <summary>
/// JULE's recurrent agglomerative clustering (Yang et al. 2016), alternating with the network's training: at the start
/// of the clustering phase the data is over-clustered (k-means with initialClusters clusters on the features); at the
/// end of every period of periodEpochs epochs, ⌈η·c⌉ of the c current clusters are merged away (never below K), each
/// merge joining the two clusters of highest average-linkage affinity, the mean cosine similarity of their members'
/// L2-normalised features. Once K clusters are left, one more period trains on them and the phase ends.
/// The hard assignments of the cluster state are the current clusters (labels 0…c−1).
/// </summary>
[Block("agglomerative-merge", Summary = "JULE's updates: over-cluster, then every period merge ⌈η·c⌉ clusters by average linkage until K are left.")]
public sealed class AgglomerativeMergeUpdater(AgglomerativeMergeUpdater.Options options) : IClusterUpdater
{
    public sealed class Options : BlockOptions
    {
        [Description("Clusters of the initial over-clustering (k-means on the features); 0: a quarter of the samples.")]
        [Range(0, 1_000_000)]
        public int InitialClusters { get; set; }

        [Description("η, the unrolling rate: the fraction of the current clusters merged away at the end of each period (JULE: 0.9; 0.2 for faces).")]
        [Range(0.01, 1.0)]
        public double Eta { get; set; } = 0.9;

        [Description("Epochs of network training between two merge steps (JULE: 20).")]
        [Range(1, 100_000)]
        public int PeriodEpochs { get; set; } = 20;
    }

    /// <summary>Epochs the phase still trains once K clusters are reached (counted down), or null before.</summary>
    private int? _finalEpochs;

    public IReadOnlyCollection<StateKey> Provides => [ClusterStateKeys.HardAssignments];

    public void CheckComposition(Composition composition) => composition.RequireClusteringPhase(this, "clusterUpdater");

    public void OnPhaseStart(IRunContext run)
    {
        _finalEpochs = null;
        if (run.Progress.Phase.Kind != PhaseKind.Clustering)
        {
            return;
        }
        using var scope = torch.NewDisposeScope();
        var features = torch.nn.functional.normalize(run.FeaturesOfAll(), p: 2, dim: 1);
        var n = (int)features.shape[0];
        var initial = Math.Clamp(options.InitialClusters > 0 ? options.InitialClusters : n / 4, run.Clusters, n);
        using var result = run.KMeans.Fit(features, initial, new KMeansSettings { Restarts = 1 }, run.Random.Torch);
        var start = Relabel(result.Labels);
        run.State.Set(ClusterStateKeys.HardAssignments, start);
        run.Log($"[{run.Progress.Phase.Name}] agglomerative start: {Count(start)} clusters (k-means)");
        if (Count(start) <= run.Clusters)
        {
            _finalEpochs = options.PeriodEpochs;
        }
    }

    public UpdateOutcome OnEpochEnd(IRunContext run)
    {
        if (run.Progress.Phase.Kind != PhaseKind.Clustering || run.State.Get(ClusterStateKeys.HardAssignments) is not { } labels)
        {
            return UpdateOutcome.Continue;
        }
        if (_finalEpochs is { } left)
        {
            _finalEpochs = left - 1;
            return left - 1 <= 0 ? UpdateOutcome.StopPhase : UpdateOutcome.Continue;
        }
        if ((run.Progress.Epoch + 1) % options.PeriodEpochs != 0)
        {
            return UpdateOutcome.Continue;
        }
        var current = Count(labels);
        var target = Math.Max(run.Clusters, current - (int)Math.Ceiling(options.Eta * current));
        using (var scope = torch.NewDisposeScope())
        {
            var features = torch.nn.functional.normalize(run.FeaturesOfAll(), p: 2, dim: 1);
            run.State.Set(ClusterStateKeys.HardAssignments, Merge(features, labels, target));
        }
        run.Log($"[{run.Progress.Phase.Name}] epoch {run.Progress.Epoch + 1}: merged {current} clusters into {target}");
        if (target <= run.Clusters)
        {
            _finalEpochs = options.PeriodEpochs;
        }
        return UpdateOutcome.Continue;
    }

    /// <summary>
    /// Greedy average-linkage merging of the clusters <paramref name="labels"/> until <paramref name="target"/> are left.
    /// With unit-norm features the mean cosine similarity between clusters a and b is S_a·S_b / (n_a·n_b), S the sum of a
    /// cluster's features; the Gram matrix G = S·Sᵀ is linear in S, so a merge of b into a only adds row and column b to a.
    /// Returns labels 0…target−1 in order of first appearance.
    /// </summary>
    public static int[] Merge(torch.Tensor unitFeatures, int[] labels, int target)
    {
        var c = labels.Max() + 1;
        double[] gram;
        using (var scope = torch.NewDisposeScope())
        {
            var x = unitFeatures.to(torch.float64);
            var members = torch.nn.functional.one_hot(torch.tensor(labels.Select(l => (long)l).ToArray()), c).to(torch.float64);
            var sums = members.t().matmul(x);                                   // [c, d]
            gram = sums.matmul(sums.t()).data<double>().ToArray();              // [c, c], row-major
        }
        var sizes = new double[c];
        foreach (var label in labels)
        {
            sizes[label]++;
        }
        var parent = Enumerable.Range(0, c).ToArray();
        var alive = Enumerable.Range(0, c).Where(k => sizes[k] > 0).ToList();
        while (alive.Count > target)
        {
            var (bestA, bestB, best) = (-1, -1, double.NegativeInfinity);
            for (var p = 0; p < alive.Count; p++)
            {
                for (var q = p + 1; q < alive.Count; q++)
                {
                    var (a, b) = (alive[p], alive[q]);
                    var affinity = gram[a * c + b] / (sizes[a] * sizes[b]);
                    if (affinity > best)
                    {
                        (bestA, bestB, best) = (a, b, affinity);
                    }
                }
            }
            var self = gram[bestA * c + bestA] + 2 * gram[bestA * c + bestB] + gram[bestB * c + bestB];
            foreach (var k in alive.Where(k => k != bestA && k != bestB))
            {
                gram[bestA * c + k] += gram[bestB * c + k];
                gram[k * c + bestA] = gram[bestA * c + k];
            }
            gram[bestA * c + bestA] = self;
            sizes[bestA] += sizes[bestB];
            parent[bestB] = bestA;
            alive.Remove(bestB);
        }
        int Root(int k) => parent[k] == k ? k : parent[k] = Root(parent[k]);
        return Relabel(labels.Select(Root).ToArray());
    }

    private static int[] Relabel(int[] labels)
    {
        var map = new Dictionary<int, int>();
        return labels.Select(l => map.TryGetValue(l, out var m) ? m : map[l] = map.Count).ToArray();
    }

    private static int Count(int[] labels) => labels.Distinct().Count();
}
