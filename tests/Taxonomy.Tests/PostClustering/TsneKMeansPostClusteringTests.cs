using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Metrics;
using Taxonomy.Blocks.PostClustering;
using Taxonomy.Tests.TestSupport;
using static TorchSharp.torch;

namespace Taxonomy.Tests.PostClustering;

[TestFixture]
public sealed class TsneKMeansPostClusteringTests
{
    /// <summary>Four blobs of 60 points in 10-D, centres 8 apart along the axes, unit spread; the labels in order.</summary>
    private static (Tensor Points, int[] Labels) Blobs(int seed)
    {
        using var generator = new Generator((ulong)seed);
        var centres = eye(10)[..4] * 8;
        var labels = Enumerable.Range(0, 240).Select(i => i / 60).ToArray();
        var points = centres.index_select(0, tensor(labels.Select(l => (long)l).ToArray())) + randn([240, 10], generator: generator);
        return (points, labels);
    }

    private static TsneKMeansPostClustering Block() => new(new TsneKMeansPostClustering.Options { Iterations = 500, Restarts = 3 });

    [Test]
    public void Separated_blobs_in_ten_dimensions_are_recovered()
    {
        var (points, truth) = Blobs(3);
        using var run = new FakeRunContext(points, clusters: 4);

        var labels = Block().Cluster(run).Primary.Labels;

        Assert.That(ClusteringMetrics.Accuracy(truth, labels), Is.EqualTo(1.0));
        Assert.That(run.Messages.Single(), Does.StartWith("tsne-kmeans: Exact t-SNE of 240 × 10 features"));
    }

    [Test]
    public void The_same_seed_gives_the_same_clusters_and_the_kept_means_predict_them()
    {
        var (points, _) = Blobs(5);
        using var first = new FakeRunContext(points, clusters: 4);
        using var second = new FakeRunContext(points, clusters: 4);

        var labels = Block().Cluster(first).Primary.Labels;

        Assert.That(Block().Cluster(second).Primary.Labels, Is.EqualTo(labels));
        Assert.That(first.State.Get(ClusterStateKeys.Centroids)!.shape, Is.EqualTo(new long[] { 4, 10 }));
        Assert.That(Block().Predict(first).Primary.Labels, Is.EqualTo(labels), "on separated blobs the nearest mean is the map's cluster");
    }
}
