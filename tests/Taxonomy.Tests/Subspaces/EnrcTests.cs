using Taxonomy.Abstractions.Results;
using Taxonomy.Blocks.Clustering;
using Taxonomy.Blocks.ClusteringLosses;
using Taxonomy.Blocks.ClusterUpdates;
using Taxonomy.Blocks.Metrics;
using Taxonomy.Blocks.PostClustering;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Subspaces;
using Taxonomy.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;

namespace Taxonomy.Tests.Subspaces;

/// <summary>
/// ENRC's blocks (updater, loss, post-clustering) trained without a network on data with two independent planted
/// groupings, each in its own 2-D subspace, the 4-D space then rotated so that neither subspace is axis-aligned.
/// </summary>
[TestFixture]
public sealed class EnrcTests
{
    /// <summary>400 samples: grouping A, 4 blobs on a square of side 10; grouping B, 3 blobs on a triangle of side 5.</summary>
    private static (Tensor Data, int[] A, int[] B) TwoGroupings()
    {
        var random = new Random(7);
        double[][] a = [[0, 0], [10, 0], [0, 10], [10, 10]];
        double[][] b = [[0, 0], [5, 0], [2.5, 4.3]];
        const int n = 400;
        var (la, lb, values) = (new int[n], new int[n], new float[n * 4]);
        double Noise() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()) * 0.5;
        for (var i = 0; i < n; i++)
        {
            (la[i], lb[i]) = (random.Next(4), random.Next(3));
            double[] x = [a[la[i]][0] + Noise(), a[la[i]][1] + Noise(), b[lb[i]][0] + Noise(), b[lb[i]][1] + Noise()];
            x.Select(v => (float)v).ToArray().CopyTo(values, i * 4);
        }
        var generator = manual_seed(3);
        var (rotation, _) = linalg.qr(randn([4, 4], generator: generator));
        return (tensor(values, [n, 4]).mm(rotation), la, lb);
    }

    [Test]
    public void Two_views_recover_both_planted_groupings_where_flat_kmeans_finds_only_one()
    {
        using var scope = NewDisposeScope();
        var (data, a, b) = TwoGroupings();
        using var run = new FakeRunContext(data, clusters: 4);

        var flat4 = new KMeans().Fit(data, 4, new KMeansSettings { Restarts = 10 }, run.Random.Torch);
        var flat3 = new KMeans().Fit(data, 3, new KMeansSettings { Restarts = 10 }, run.Random.Torch);
        Assert.That(ClusteringMetrics.Accuracy(a, flat4.Labels), Is.GreaterThan(0.9), "flat k-means finds the dominant grouping");
        Assert.That(ClusteringMetrics.Accuracy(b, flat3.Labels), Is.LessThan(0.7), "but not the other one");

        var views = Train(run, data, [4, 3]);
        Assert.That(views.Views.Select(v => v.Clusters), Is.EqualTo(new[] { 4, 3 }));
        Assert.That(ClusteringMetrics.Accuracy(a, views.Views[0].Labels), Is.GreaterThanOrEqualTo(0.9), "view 0 against A");
        Assert.That(ClusteringMetrics.Accuracy(b, views.Views[1].Labels), Is.GreaterThanOrEqualTo(0.9), "view 1 against B");

        var rotation = run.State.Require(EnrcUpdater.Rotation, "test");
        Assert.That(SubspaceViews.OrthogonalityError(rotation), Is.LessThan(1e-4), "‖VᵀV − I‖");
        var betas = SubspaceViews.Betas(run.State.Require(EnrcUpdater.BetaLogits, "test")).detach();
        Assert.That(betas.sum([0L]).data<float>().ToArray(), Is.All.EqualTo(1f).Within(1e-5), "β of every dimension sums to 1 over the views");
    }

    [Test]
    public void A_one_cluster_noise_view_leaves_the_clustered_view_its_grouping()
    {
        // ACeDeC: the clustered view should find A; the noise view has one cluster.
        using var scope = NewDisposeScope();
        var (data, a, _) = TwoGroupings();
        using var run = new FakeRunContext(data, clusters: 4);
        var views = Train(run, data, [4, 1]);
        Assert.That(ClusteringMetrics.Accuracy(a, views.Views[0].Labels), Is.GreaterThanOrEqualTo(0.9));
        Assert.That(views.Views[1].Labels, Is.All.EqualTo(0));
    }

    [Test]
    public void Nearest_orthogonal_is_orthogonal_and_keeps_an_orthogonal_matrix()
    {
        using var scope = NewDisposeScope();
        var (q, _) = linalg.qr(randn([5, 5], generator: manual_seed(1)));
        Assert.That(SubspaceViews.NearestOrthogonal(q).sub(q).abs().max().item<float>(), Is.LessThan(1e-5));
        var drifted = q.add(randn([5, 5], generator: manual_seed(2)).mul(0.1));
        Assert.That(SubspaceViews.OrthogonalityError(drifted), Is.GreaterThan(0.05));
        Assert.That(SubspaceViews.OrthogonalityError(SubspaceViews.NearestOrthogonal(drifted)), Is.LessThan(1e-4));
    }

    [Test]
    public void Initial_betas_give_each_view_its_own_dimensions()
    {
        using var scope = NewDisposeScope();
        var betas = SubspaceViews.Betas(SubspaceViews.InitialLogits([[0, 2], [1], [3]], 4, 0.9));
        Assert.That(betas[0].data<float>().ToArray(), Is.EqualTo(new[] { 0.9f, 0.05f, 0.9f, 0.05f }).Within(1e-5));
        Assert.That(betas[1][1].item<float>(), Is.EqualTo(0.9f).Within(1e-5));
    }

    /// <summary>NrKmeans start, 20 epochs of batches of 50 (Adam on V and β), then the views.</summary>
    private static Partitions Train(FakeRunContext run, Tensor data, int[] clusters)
    {
        var updater = new EnrcUpdater(new EnrcUpdater.Options { Clusters = [.. clusters] });
        var loss = new EnrcLoss(new LossOptions());
        updater.OnPhaseStart(run);
        using var optimizer = optim.Adam(run.State.TrainableParameters, lr: 0.01);
        for (var epoch = 0; epoch < 20; epoch++)
        {
            for (long first = 0; first < data.shape[0]; first += 50)
            {
                using var batchScope = NewDisposeScope();
                var rows = arange(first, first + 50);
                var step = run.Step(data.index_select(0, rows), rows.data<long>().ToArray());
                optimizer.zero_grad();
                loss.Compute(step).backward();
                optimizer.step();
                using (no_grad())
                {
                    updater.OnBatchEnd(run, step);
                }
            }
        }
        return (Partitions)new EnrcViewsPostClustering().Cluster(run);
    }
}
