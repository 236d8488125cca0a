using System.Text.Json.Nodes;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.ClusteringLosses;
using Taxonomy.Tests.TestSupport;
using static TorchSharp.torch;

namespace Taxonomy.Tests.ClusteringLosses;

[TestFixture]
public sealed class DacPairwiseLossTests
{
    // Three label features, normalised inside the loss: a = (1, 0), b = (3, 4)/5 = (0.6, 0.8), c = (0, 2) → (0, 1).
    // Cosine similarities: s_ab = 0.6, s_ac = 0, s_bc = 0.8.
    private static Tensor Features() => tensor(new float[,] { { 1, 0 }, { 0.6f, 0.8f }, { 0, 2 } });

    private static float Loss(double upper, double lower)
    {
        using var run = new FakeRunContext(Features(), clusters: 2);
        run.State.PairThresholds = (upper, lower);
        return new DacPairwiseLoss(new LossOptions()).Compute(run.Step(Features(), 0, 1, 2)).item<float>();
    }

    [Test]
    public void Pairs_above_the_upper_threshold_are_similar_and_below_the_lower_dissimilar()
    {
        // u = 0.7, l = 0.3: (b, c) at 0.8 similar → −ln 0.8; (a, c) at 0 dissimilar → −ln(1 − 1e-7) ≈ 0; (a, b) at 0.6
        // is ignored. Both orders of each pair count: mean over 4 selected entries = 2·(−ln 0.8) / 4.
        using var scope = NewDisposeScope();
        Assert.That(Loss(0.7, 0.3), Is.EqualTo(-2 * Math.Log(0.8) / 4).Within(1e-6));
    }

    [Test]
    public void Widening_the_selection_adds_the_pairs_it_reaches()
    {
        // u = 0.5, l = 0.3: (a, b) at 0.6 is now similar too → (−ln 0.6 − ln 0.8)·2 / 6.
        using var scope = NewDisposeScope();
        Assert.That(Loss(0.5, 0.3), Is.EqualTo(2 * (-Math.Log(0.6) - Math.Log(0.8)) / 6).Within(1e-6));
        // u = 0.9, l = 0.7: (a, b) at 0.6 dissimilar → −ln 0.4, (a, c) dissimilar ≈ 0, (b, c) ignored.
        Assert.That(Loss(0.9, 0.7), Is.EqualTo(2 * -Math.Log(0.4) / 4).Within(1e-6));
    }

    [Test]
    public void Without_selected_pairs_the_loss_is_zero_and_self_pairs_never_count()
    {
        // u = 0.99, l = -0.01: nothing off the diagonal qualifies; the diagonal (similarity 1 > u) is not a pair.
        using var scope = NewDisposeScope();
        Assert.That(Loss(0.99, -0.01), Is.EqualTo(0));
    }

    [Test]
    public void The_loss_needs_the_pair_thresholds_of_an_updater()
    {
        Assert.That(new DacPairwiseLoss(new LossOptions()).Requires, Is.EqualTo(ClusterStateParts.PairThresholds));
        var manifest = Manifests.AeKMeans();
        manifest["clusteringLoss"] = new JsonObject { ["type"] = "dac-pairwise" };
        manifest["schedule"] = new JsonObject { ["type"] = "pretrain-then-joint", ["pretrainEpochs"] = 0, ["clusteringEpochs"] = 2 };
        Assert.That(Manifests.ComposeError(manifest), Does.Contain(
            "clusteringLoss ('dac-pairwise'): needs PairThresholds in the cluster state, which clusterUpdater ('none') does not provide"));
    }
}
