using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Clustering;
using Taxonomy.Blocks.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace Taxonomy.Tests.Clustering;

[TestFixture, NonParallelizable]
public sealed class StreamingKMeansTests
{
    private static IEnumerable<TestCaseData> Variants()
    {
        yield return new TestCaseData(new MiniBatchKMeans(batchSize: 100)).SetArgDisplayNames("mini-batch");
        yield return new TestCaseData(new SgdKMeans(sampleBatchSize: 100)).SetArgDisplayNames("sgd");
    }

    [Test]
    public void A_mini_batch_step_moves_each_centre_to_the_running_mean_of_its_points()
    {
        using var centres = tensor(new float[,] { { 0, 0 }, { 10, 10 } });
        using var counts = tensor(new double[] { 1, 0 });   // centre 0 has taken one point before, centre 1 none
        using var batch = tensor(new float[,] { { 1, 1 }, { 2, 0 }, { 9, 9 } });

        var inertia = MiniBatchKMeans.Update(batch, centres, counts);

        // Centre 0 takes (1,1) and (2,0): (1·(0,0) + (1,1) + (2,0)) / 3 = (1, 1/3). Centre 1 takes (9,9) alone: lr 1/1.
        Assert.That(centres[0].data<float>().ToArray(), Is.EqualTo(new[] { 1f, 1f / 3 }).Within(1e-6));
        Assert.That(centres[1].data<float>().ToArray(), Is.EqualTo(new[] { 9f, 9f }).Within(1e-6));
        Assert.That(counts.data<double>().ToArray(), Is.EqualTo(new double[] { 3, 1 }));
        Assert.That(inertia, Is.EqualTo(2 + 4 + 2).Within(1e-6), "the batch's inertia against the centres before the step");
    }

    [TestCaseSource(nameof(Variants))]
    public void With_one_cluster_the_per_centre_learning_rate_gives_the_exact_mean(IKMeans kmeans)
    {
        using var generator = new Generator(5);
        using var points = randn(1_000, 3, generator: generator).mul_(2).add_(7);
        using var fit = new Generator(1);

        using var result = kmeans.Fit(points, 1, new KMeansSettings { Restarts = 1 }, fit);

        // A running mean with rate 1/n_j over a pass is the mean, whatever the order; later passes keep it there only
        // approximately (the counts grow on), so compare with a float32 tolerance.
        var mean = points.mean([0]).data<float>().ToArray();
        Assert.That(result.Centroids.data<float>().ToArray(), Is.EqualTo(mean).Within(0.05));
        Assert.That(result.Labels.Distinct(), Is.EqualTo(new[] { 0 }));
        using var exact = points.sub(result.Centroids).square().sum(ScalarType.Float64);
        Assert.That(result.Inertia, Is.EqualTo(exact.item<double>()).Within(1e-6).Percent);
    }

    [TestCaseSource(nameof(Variants))]
    public void On_separated_blobs_the_solution_is_lloyds(IKMeans kmeans)
    {
        var (points, truth) = Blobs(perCluster: 400, clusters: 6, dims: 5, seed: 2);
        using var _ = points;
        using var lloydGenerator = new Generator(3);
        using var lloyd = new KMeans().Fit(points, 6, new KMeansSettings(), lloydGenerator);
        using var generator = new Generator(3);

        using var result = kmeans.Fit(points, 6, new KMeansSettings { Restarts = 3 }, generator);

        Assert.That(MetricSet.Compute(lloyd.Labels, result.Labels).Ari, Is.EqualTo(1.0).Within(1e-9));
        Assert.That(MetricSet.Compute(truth, result.Labels).Ari, Is.EqualTo(1.0).Within(1e-9));
        Assert.That(result.Inertia, Is.EqualTo(lloyd.Inertia).Within(0.5).Percent);
    }

    [TestCaseSource(nameof(Variants))]
    public void Rows_are_read_in_chunks_never_all_at_once(IKMeans kmeans)
    {
        var (points, truth) = Blobs(perCluster: 500, clusters: 4, dims: 3, seed: 4);
        using var _ = points;
        var largest = 0L;
        var rows = new RowChunks(points.shape[0], points.shape[1], (start, length) =>
        {
            largest = Math.Max(largest, length);
            return points.narrow(0, start, length).clone();
        }, chunkRows: 300);
        using var generator = new Generator(8);

        using var result = ((StreamingKMeans)kmeans).Fit(rows, 4, new KMeansSettings { Restarts = 3 }, generator);

        Assert.That(largest, Is.EqualTo(300), "no read asks for more than one chunk");
        Assert.That(result.Labels, Has.Length.EqualTo(2_000));
        Assert.That(MetricSet.Compute(truth, result.Labels).Ari, Is.EqualTo(1.0).Within(1e-9));
    }

    [TestCaseSource(nameof(Variants))]
    public void The_same_seed_gives_the_same_result(IKMeans kmeans)
    {
        var (points, _) = Blobs(perCluster: 200, clusters: 5, dims: 4, seed: 6);
        using var __ = points;
        using var first = new Generator(9);
        using var second = new Generator(9);

        using var a = kmeans.Fit(points, 5, new KMeansSettings { Restarts = 2 }, first);
        using var b = kmeans.Fit(points, 5, new KMeansSettings { Restarts = 2 }, second);

        Assert.That(b.Labels, Is.EqualTo(a.Labels));
        Assert.That(b.Centroids.data<float>().ToArray(), Is.EqualTo(a.Centroids.data<float>().ToArray()));
    }

    [Test]
    public void Mini_batch_stops_early_when_the_smoothed_inertia_stops_improving()
    {
        var (points, _) = Blobs(perCluster: 2_000, clusters: 3, dims: 2, seed: 7);
        using var _ = points;
        using var generator = new Generator(1);

        using var result = new MiniBatchKMeans(batchSize: 100, maxPasses: 50).Fit(points, 3, new KMeansSettings { Restarts = 1 }, generator);

        Assert.That(result.Iterations, Is.LessThan(50 * 60), "fewer batches than 50 passes of 60");
        Assert.That(result.Iterations, Is.GreaterThan(10));
    }

    [Test]
    public void The_manifest_names_the_three_algorithms()
    {
        Assert.That(new KMeansOptions().Create(), Is.TypeOf<KMeans>());
        Assert.That(new KMeansOptions { Algorithm = KMeansAlgorithm.Minibatch }.Create(), Is.TypeOf<MiniBatchKMeans>());
        Assert.That(new KMeansOptions { Algorithm = KMeansAlgorithm.Sgd }.Create(), Is.TypeOf<SgdKMeans>());
    }

    private static (Tensor Points, int[] Truth) Blobs(int perCluster, int clusters, int dims, ulong seed) =>
        KMeansTests.Blobs(perCluster, clusters, dims, spread: 20, std: 0.5, seed);
}
