using Taxonomy.Abstractions.Training;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Blocks.ClusteringLosses;
using Taxonomy.Tests.TestSupport;
using static Taxonomy.Tests.ClusteringLosses.StudentTTests;
using static TorchSharp.torch;

namespace Taxonomy.Tests.ClusteringLosses;

[TestFixture]
public sealed class KMeansLossTests
{
    [Test]
    public void The_loss_is_half_the_mean_squared_distance_to_the_assigned_centroid()
    {
        // Centroids (0, 0) and (4, 0); samples 0, 1, 2 are assigned to clusters 0, 1, 1. The batch is samples 2 and 0
        // with features (1, 2) and (3, 0): ‖(1, 2) − (4, 0)‖² = 13, ‖(3, 0) − (0, 0)‖² = 9 → ½ · (13 + 9) / 2 = 5.5.
        // Sample 0 is nearer to (4, 0), but the stored assignment counts, not the nearest centroid.
        using var scope = NewDisposeScope();
        using var run = new FakeRunContext(zeros(3, 2), clusters: 2);
        run.State.SetCopy(ClusterStateKeys.Centroids, tensor(new float[,] { { 0, 0 }, { 4, 0 } }), trainable: false);
        run.State.Set(ClusterStateKeys.HardAssignments, [0, 1, 1]);
        var features = tensor(new float[,] { { 1, 2 }, { 3, 0 } }, requires_grad: true);

        var loss = new KMeansLoss(new LossOptions()).Compute(run.Step(features, 2, 0));
        loss.backward();

        Assert.That(loss.item<float>(), Is.EqualTo(5.5).Within(1e-6));
        // ∂/∂z_i of ½ mean ‖z_i − μ‖² is (z_i − μ) / batch size: (−3, 2)/2 and (3, 0)/2.
        Assert.That(Flat(features.grad!), Is.EqualTo(new[] { -1.5, 1, 1.5, 0 }).Within(1e-6));
    }

    [Test]
    public void Centroids_are_fixed_within_the_step()
    {
        using var scope = NewDisposeScope();
        using var run = new FakeRunContext(zeros(2, 2), clusters: 2);
        run.State.SetCopy(ClusterStateKeys.Centroids, tensor(new float[,] { { 0, 0 }, { 4, 0 } }), trainable: true);
        run.State.Set(ClusterStateKeys.HardAssignments, [0, 1]);
        var features = tensor(new float[,] { { 1, 2 }, { 3, 0 } }, requires_grad: true);

        new KMeansLoss(new LossOptions()).Compute(run.Step(features, 0, 1)).backward();

        Assert.That(run.State.Trainable(ClusterStateKeys.Centroids)!.grad, Is.Null);
    }
}
