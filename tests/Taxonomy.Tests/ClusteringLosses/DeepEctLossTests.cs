using TorchSharp.Modules;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Blocks.Clustering;
using Taxonomy.Blocks.ClusteringLosses;
using Taxonomy.Blocks.ClusterUpdates;
using Taxonomy.Tests.TestSupport;
using static TorchSharp.torch;

namespace Taxonomy.Tests.ClusteringLosses;

[TestFixture]
public sealed class DeepEctLossTests
{
    /// <summary>
    /// Leaves L at (−1, 0) and R at (1, 0) under the root; samples z1 = (−2, 1) at L, z2 = (3, 0) and z3 = (1, 1) at R.
    /// L_NC = (‖L − z1‖ + ‖R − (2, ½)‖) / 2 = (√2 + √1.25) / 2. L_DC: along p_L = (−1, 0), |(L − z1)·p_L| = 1; along
    /// p_R = (1, 0), |(R − z2)·p_R| = 2 and |(R − z3)·p_R| = 0; (1 + 2 + 0) / (2 nodes · 3 samples) = ½.
    /// </summary>
    [Test]
    public void The_loss_is_the_node_centre_plus_the_data_compression_term_by_hand()
    {
        using var scope = NewDisposeScope();
        using var run = new FakeRunContext(zeros(3, 2), clusters: 2);
        var centres = TwoLeaves(run);
        var features = tensor(new float[,] { { -2, 1 }, { 3, 0 }, { 1, 1 } }).requires_grad_();
        var loss = new DeepEctLoss(new LossOptions()).Compute(run.Step(features, 0, 1, 2));
        Assert.That(loss.item<float>(), Is.EqualTo((Math.Sqrt(2) + Math.Sqrt(1.25)) / 2 + 0.5).Within(1e-5));

        loss.backward();
        // L_NC moves only the leaf centres: ∂/∂L = (L − z1)/‖L − z1‖ / 2 = (1, −1)/(2√2).
        Assert.That(centres.grad!.data<float>().ToArray()[..2], Is.EqualTo(new[] { 1 / (2 * Math.Sqrt(2)), -1 / (2 * Math.Sqrt(2)) }).Within(1e-5));
        // L_DC moves only the embedding: ∂/∂z = −sign((μ − z)·p) p / 6. z1: (L − z1)·p_L = −1, so p_L / 6 = (−1/6, 0),
        // and a descent step moves z1 right, towards L; z2: (R − z2)·p_R = −2, so (1/6, 0); z3 lies on R: 0.
        var gradient = features.grad!.data<float>().ToArray();
        Assert.That(gradient, Is.EqualTo(new[] { -1.0 / 6, 0, 1.0 / 6, 0, 0, 0 }).Within(1e-6));
    }

    [Test]
    public void A_leaf_the_batch_does_not_reach_adds_nothing_but_still_counts_in_the_mean()
    {
        using var scope = NewDisposeScope();
        using var run = new FakeRunContext(zeros(1, 2), clusters: 2);
        TwoLeaves(run);
        // Only L is reached: L_NC = ‖L − z‖ / 2 = 1/2; L_DC = |(L − z)·(−1, 0)| / (2 · 1) = 1/2.
        var loss = new DeepEctLoss(new LossOptions()).Compute(run.Step(tensor(new float[,] { { -2, 0 } }), 0));
        Assert.That(loss.item<float>(), Is.EqualTo(1.0).Within(1e-6));
    }

    [Test]
    public void The_loss_reads_the_tree_and_leaf_centres_the_updater_provides()
    {
        var loss = new DeepEctLoss(new LossOptions());
        Assert.That(loss.Requires, Is.EquivalentTo(new DeepEctTreeUpdater(new DeepEctTreeUpdater.Options()).Provides));
    }

    /// <summary>The tree of the hand example and its leaf-centre parameter, set in the run's state.</summary>
    private static Parameter TwoLeaves(FakeRunContext run)
    {
        var tree = new EmbeddedClusterTree([0f, 0f], capacity: 2);
        var (left, right) = tree.Split(tree.Root, [-1f, 0f], [1f, 0f], weight: 1);
        var rows = new float[4];
        new[] { -1f, 0f }.CopyTo(rows, left.Slot * 2);
        new[] { 1f, 0f }.CopyTo(rows, right.Slot * 2);
        var centres = new Parameter(tensor(rows, [2, 2]), requires_grad: true);
        run.State.Set(DeepEctTreeUpdater.Tree, tree);
        run.State.Set(DeepEctTreeUpdater.LeafCentres, centres);
        return centres;
    }
}
