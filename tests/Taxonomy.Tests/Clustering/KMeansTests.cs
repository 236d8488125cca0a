using System.Diagnostics;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Clustering;
using TorchSharp;
using static TorchSharp.torch;

namespace Taxonomy.Tests.Clustering;

[TestFixture, NonParallelizable]
public sealed class KMeansTests
{
    private static readonly KMeans KMeans = new();

    // Two obvious groups: {(0,0), (0,1), (1,0)} and the same shifted by (10,10).
    private static readonly float[,] TwoGroups = { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 10, 10 }, { 10, 11 }, { 11, 10 } };

    [Test]
    public void Two_obvious_groups_give_the_hand_computed_centroids_labels_and_inertia()
    {
        using var points = tensor(TwoGroups);
        using var generator = new Generator(1);

        using var result = KMeans.Fit(points, 2, new KMeansSettings(), generator);

        // Each centroid is its group's mean; each point's squared distance to it is 2/9, 5/9 or 5/9: 4/3 per group.
        var first = result.Labels[0];
        var second = result.Labels[3];
        Assert.That(result.Labels, Is.EqualTo(new[] { first, first, first, second, second, second }));
        Assert.That(first, Is.Not.EqualTo(second));
        Assert.That(Row(result.Centroids, first), Is.EqualTo(new[] { 1f / 3, 1f / 3 }).Within(1e-5));
        Assert.That(Row(result.Centroids, second), Is.EqualTo(new[] { 31f / 3, 31f / 3 }).Within(1e-5));
        Assert.That(result.Inertia, Is.EqualTo(8.0 / 3).Within(1e-5));
        Assert.That(result.Centroids.dtype, Is.EqualTo(ScalarType.Float32));
    }

    [Test]
    public void Lloyd_from_given_centroids_converges_in_two_iterations_on_two_groups()
    {
        using var points = tensor(TwoGroups);
        using var initial = tensor(new float[,] { { 0, 0 }, { 10, 10 } });

        using var result = KMeans.Fit(points, initial, new KMeansSettings());

        Assert.That(result.Labels, Is.EqualTo(new[] { 0, 0, 0, 1, 1, 1 }));
        Assert.That(Row(result.Centroids, 0), Is.EqualTo(new[] { 1f / 3, 1f / 3 }).Within(1e-5));
        Assert.That(Row(result.Centroids, 1), Is.EqualTo(new[] { 31f / 3, 31f / 3 }).Within(1e-5));
        Assert.That(result.Inertia, Is.EqualTo(8.0 / 3).Within(1e-5));
        Assert.That(result.Iterations, Is.EqualTo(2), "iteration 2 finds the labels unchanged");
        Assert.That(initial.data<float>().ToArray(), Is.EqualTo(new float[] { 0, 0, 10, 10 }), "input untouched");
    }

    [Test]
    public void Well_separated_blobs_are_recovered_exactly()
    {
        var (points, truth) = Blobs(perCluster: 150, clusters: 5, dims: 8, spread: 10, std: 0.5, seed: 3);
        using var _ = points;
        using var generator = new Generator(11);

        using var result = KMeans.Fit(points, 5, new KMeansSettings(), generator);

        Assert.That(SamePartition(result.Labels, truth), Is.True);
        Assert.That(result.Labels.Distinct().Count(), Is.EqualTo(5));
    }

    [Test]
    public void The_same_seed_gives_identical_labels_and_centroids()
    {
        using var points = UniformPoints(400, 3, seed: 5);
        var settings = new KMeansSettings { Restarts = 3 };

        using var g1 = new Generator(42);
        using var a = KMeans.Fit(points, 7, settings, g1);
        using var g2 = new Generator(42);
        using var b = KMeans.Fit(points, 7, settings, g2);

        Assert.That(b.Labels, Is.EqualTo(a.Labels));
        Assert.That(b.Centroids.data<float>().ToArray(), Is.EqualTo(a.Centroids.data<float>().ToArray()));
        Assert.That(b.Inertia, Is.EqualTo(a.Inertia));
        Assert.That(b.Iterations, Is.EqualTo(a.Iterations));
    }

    [Test]
    public void Restarts_keep_the_run_with_the_lowest_inertia()
    {
        // Restarts draw from the generator one after another, so ten single runs on one generator are exactly the ten
        // restarts of one fit on an identically seeded generator.
        using var points = UniformPoints(500, 2, seed: 9);
        using var singles = new Generator(123);
        var runs = Enumerable.Range(0, 10)
            .Select(_ =>
            {
                using var r = KMeans.Fit(points, 10, new KMeansSettings { Restarts = 1 }, singles);
                return (r.Inertia, r.Labels);
            })
            .ToArray();
        using var together = new Generator(123);

        using var best = KMeans.Fit(points, 10, new KMeansSettings { Restarts = 10 }, together);

        var lowest = runs.MinBy(r => r.Inertia);
        Assert.That(runs.Select(r => r.Inertia).Distinct().Count(), Is.GreaterThan(1), "the case must have local optima");
        Assert.That(best.Inertia, Is.EqualTo(lowest.Inertia));
        Assert.That(best.Labels, Is.EqualTo(lowest.Labels));
    }

    [Test]
    public void An_empty_cluster_takes_the_farthest_point_and_no_centre_is_NaN()
    {
        // Duplicates at (0,0) and (10,0), one point at (20,0); the centre at (100,100) attracts nobody.
        using var points = tensor(new float[,] { { 0, 0 }, { 0, 0 }, { 0, 0 }, { 10, 0 }, { 10, 0 }, { 20, 0 } });
        using var initial = tensor(new float[,] { { 0, 0 }, { 100, 100 }, { 10, 0 } });

        using var result = KMeans.Fit(points, initial, new KMeansSettings());

        Assert.That(result.Centroids.isfinite().all().item<bool>(), Is.True);
        Assert.That(result.Labels, Is.EqualTo(new[] { 0, 0, 0, 2, 2, 1 }));
        Assert.That(Row(result.Centroids, 1), Is.EqualTo(new[] { 20f, 0f }).Within(1e-5));
        Assert.That(Row(result.Centroids, 2), Is.EqualTo(new[] { 10f, 0f }).Within(1e-5));
        Assert.That(result.Inertia, Is.EqualTo(0).Within(1e-6));
    }

    [Test]
    public void Duplicated_points_with_as_many_distinct_values_as_clusters_fill_every_cluster()
    {
        var rows = new float[30, 2];
        for (var i = 0; i < 30; i++)
        {
            rows[i, 0] = (i % 3) * 5;
            rows[i, 1] = i % 3 == 2 ? 5 : 0;
        }
        using var points = tensor(rows);
        using var generator = new Generator(4);

        using var result = KMeans.Fit(points, 3, new KMeansSettings(), generator);

        Assert.That(result.Centroids.isfinite().all().item<bool>(), Is.True);
        Assert.That(result.Labels.Distinct().Count(), Is.EqualTo(3));
        Assert.That(result.Inertia, Is.EqualTo(0).Within(1e-6));
    }

    [Test]
    public void Asking_for_more_clusters_than_points_fails()
    {
        using var points = zeros(7, 2);
        using var generator = new Generator(1);

        Assert.That(() => KMeans.Fit(points, 10, new KMeansSettings(), generator),
            Throws.ArgumentException.With.Message.StartsWith("k-means needs at least k=10 points, got 7"));
    }

    [Test]
    public void NaN_input_fails()
    {
        using var points = tensor(new[,] { { 0f, 1f }, { float.NaN, 2f }, { 3f, 4f } });
        using var generator = new Generator(1);

        Assert.That(() => KMeans.Fit(points, 2, new KMeansSettings(), generator),
            Throws.ArgumentException.With.Message.Contains("NaN or infinite"));
    }

    [Test]
    public void One_dimensional_input_fails()
    {
        using var points = tensor(new[] { 1f, 2f, 3f, 4f, 5f });
        using var generator = new Generator(1);

        Assert.That(() => KMeans.Fit(points, 2, new KMeansSettings(), generator),
            Throws.ArgumentException.With.Message.StartsWith("k-means expects a 2-D tensor of points [n, d], got shape [5]"));
    }

    [Test]
    public void Zero_clusters_or_zero_restarts_fail()
    {
        using var points = zeros(5, 2);
        using var generator = new Generator(1);

        Assert.That(() => KMeans.Fit(points, 0, new KMeansSettings(), generator),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("k ≥ 1"));
        Assert.That(() => KMeans.Fit(points, 2, new KMeansSettings { Restarts = 0 }, generator),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("Restarts ≥ 1"));
    }

    [Test]
    public void A_fit_leaves_only_the_result_centroids_alive_and_they_outlive_the_callers_scope()
    {
        var (points, _) = Blobs(perCluster: 100, clusters: 4, dims: 6, spread: 10, std: 1, seed: 2);
        using var __ = points;
        using var generator = new Generator(8);
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        KMeansResult result;
        using (NewDisposeScope())
        {
            result = KMeans.Fit(points, 4, new KMeansSettings { Restarts = 3 }, generator);
        }

        Assert.That(DisposeScopeManager.Statistics.ThreadTotalLiveCount, Is.EqualTo(before + 1));
        Assert.That(result.Centroids.IsInvalid, Is.False);
        Assert.That(result.Centroids.shape, Is.EqualTo(new long[] { 4, 6 }));
        result.Dispose();
        Assert.That(DisposeScopeManager.Statistics.ThreadTotalLiveCount, Is.EqualTo(before));
    }

    [Test]
    public void Squared_distances_and_nearest_assignment_match_hand_computed_values()
    {
        using var points = tensor(new float[,] { { 0, 0 }, { 3, 4 }, { 1, 1 } });
        using var centroids = tensor(new float[,] { { 0, 0 }, { 3, 0 } });
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        using var distances = KMeans.SquaredDistances(points, centroids);
        using var nearest = KMeans.AssignNearest(points, centroids);

        Assert.That(DisposeScopeManager.Statistics.ThreadTotalLiveCount, Is.EqualTo(before + 2));
        Assert.That(distances.data<float>().ToArray(), Is.EqualTo(new float[] { 0, 9, 25, 16, 2, 5 }).Within(1e-5));
        Assert.That(nearest.dtype, Is.EqualTo(ScalarType.Int64));
        Assert.That(nearest.data<long>().ToArray(), Is.EqualTo(new long[] { 0, 1, 0 }));
    }

    [Test]
    public void Timing_on_70000_by_10_blobs_is_reported()
    {
        var (points, truth) = Blobs(perCluster: 7_000, clusters: 10, dims: 10, spread: 5, std: 1, seed: 21);
        using var _ = points;
        using (var warmup = new Generator(0))
        using (KMeans.Fit(points, 10, new KMeansSettings { Restarts = 1 }, warmup)) { }

        foreach (var restarts in new[] { 1, 10 })
        {
            using var generator = new Generator(1);
            var clock = Stopwatch.StartNew();
            using var result = KMeans.Fit(points, 10, new KMeansSettings { Restarts = restarts }, generator);
            clock.Stop();
            TestContext.Out.WriteLine(
                $"k-means 70000x10, k=10, Restarts={restarts}: {clock.Elapsed.TotalSeconds:F3} s " +
                $"(best run {result.Iterations} iterations, inertia {result.Inertia:F1}, " +
                $"blobs recovered: {SamePartition(result.Labels, truth)}, threads {get_num_threads()})");
        }

        // One Lloyd iteration (plus the final E-step and inertia), timed over repeated single-iteration fits.
        using var centres = points.narrow(0, 0, 10).clone();
        var one = new KMeansSettings { MaxIterations = 1 };
        var timer = Stopwatch.StartNew();
        const int repeats = 20;
        for (var i = 0; i < repeats; i++)
        {
            using var r = KMeans.Fit(points, centres, one);
        }
        timer.Stop();
        TestContext.Out.WriteLine(
            $"one Lloyd iteration (+ final E-step, inertia, centring): {timer.Elapsed.TotalMilliseconds / repeats:F1} ms");
    }

    private static float[] Row(Tensor centroids, int row)
    {
        using var r = centroids[row];
        return r.data<float>().ToArray();
    }

    /// <summary>True when the two labelings are the same partition up to a renaming of the labels.</summary>
    private static bool SamePartition(int[] a, int[] b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }
        var forward = new Dictionary<int, int>();
        var backward = new Dictionary<int, int>();
        for (var i = 0; i < a.Length; i++)
        {
            if (forward.TryGetValue(a[i], out var mapped) ? mapped != b[i] : !forward.TryAdd(a[i], b[i]))
            {
                return false;
            }
            if (backward.TryGetValue(b[i], out var back) ? back != a[i] : !backward.TryAdd(b[i], a[i]))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Gaussian blobs around random centres (N(0, spread²) per coordinate), cluster by cluster.</summary>
    internal static (Tensor Points, int[] Truth) Blobs(int perCluster, int clusters, int dims, double spread, double std, ulong seed)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(seed);
        var truth = Enumerable.Range(0, perCluster * clusters).Select(i => i / perCluster).ToArray();
        var centres = randn(clusters, dims, generator: generator).mul_(spread);
        var noise = randn(truth.Length, dims, generator: generator).mul_(std);
        var points = centres.index_select(0, tensor(truth.Select(t => (long)t).ToArray())).add_(noise);
        return (points.DetachFromDisposeScope(), truth);
    }

    private static Tensor UniformPoints(int n, int dims, ulong seed)
    {
        using var generator = new Generator(seed);
        return rand(n, dims, generator: generator);
    }
}
