using Taxonomy.Abstractions.Training;
using MyBlocks;
using Taxonomy.Tests.TestSupport;
using static Taxonomy.Tests.ClusteringLosses.StudentTTests;
using static TorchSharp.torch;

namespace Taxonomy.Tests.Packaging;

/// <summary>The example clustering loss of the taxonomy-block template, on values computed by hand.</summary>
[TestFixture]
public sealed class TemplateBlocksTests
{
    [Test]
    public void The_huber_kmeans_loss_is_quadratic_near_the_nearest_centroid_and_linear_beyond_delta()
    {
        // Centroids (0, 1) and (10, 10), δ = 2. Sample (0, 0): nearest distance 1 ≤ δ → ½·1² = 0.5.
        // Sample (3, 4): distances √18 ≈ 4.2426 and √85 → δ·(√18 − δ/2) = 2·(4.2426 − 1) = 6.4853. Mean 3.4926.
        using var scope = NewDisposeScope();
        using var run = new FakeRunContext(zeros(2, 2), clusters: 2);
        run.State.SetCopy(ClusterStateKeys.Centroids, tensor(new float[,] { { 0, 1 }, { 10, 10 } }), trainable: false);
        var features = tensor(new float[,] { { 0, 0 }, { 3, 4 } }, requires_grad: true);

        var loss = new HuberKMeansLoss(new HuberKMeansLoss.Options { Delta = 2 }).Compute(run.Step(features, 0, 1));
        loss.backward();

        Assert.That(loss.item<float>(), Is.EqualTo((0.5 + 2 * (Math.Sqrt(18) - 1)) / 2).Within(1e-5));
        // Quadratic part: (z − μ)/batch = (0, −1)/2; linear part: δ·(z − μ)/‖z − μ‖/batch = 2·(3, 3)/√18/2 = (1/√2, 1/√2).
        Assert.That(Flat(features.grad!), Is.EqualTo(new[] { 0, -0.5, 1 / Math.Sqrt(2), 1 / Math.Sqrt(2) }).Within(1e-5));
    }

    [Test]
    public void The_huber_kmeans_loss_without_centroids_names_an_updater_that_sets_them()
    {
        using var scope = NewDisposeScope();
        using var run = new FakeRunContext(zeros(1, 2), clusters: 2);

        var error = Assert.Throws<InvalidOperationException>(() =>
            new HuberKMeansLoss(new HuberKMeansLoss.Options()).Compute(run.Step(zeros(1, 2), 0)));

        Assert.That(error!.Message, Is.EqualTo("huber-kmeans: the cluster state has no 'centroids' yet."));
    }
}
