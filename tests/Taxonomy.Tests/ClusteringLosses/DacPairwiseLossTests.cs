using Taxonomy.Blocks.ClusterUpdates;
using System.Text.Json.Nodes;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.ClusteringLosses;
using Taxonomy.Blocks.Augmentation;
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
        run.State.Set(DacThresholdsUpdater.Thresholds, new PairThresholds(upper, lower));
        return new DacPairwiseLoss(new DacPairwiseLoss.Options()).Compute(run.Step(Features(), 0, 1, 2)).item<float>();
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
        Assert.That(new DacPairwiseLoss(new DacPairwiseLoss.Options()).Requires, Is.EquivalentTo(new StateKey[] { DacThresholdsUpdater.Thresholds }));
        var manifest = Manifests.AeKMeans();
        manifest["clusteringLoss"] = new JsonObject { ["type"] = "dac-pairwise" };
        manifest["schedule"] = new JsonObject { ["type"] = "pretrain-then-joint", ["pretrainEpochs"] = 0, ["clusteringEpochs"] = 2 };
        Assert.That(Manifests.ComposeError(manifest), Does.Contain(
            "clusteringLoss ('dac-pairwise'): needs 'pair-thresholds' in the cluster state, which clusterUpdater ('none') does not provide (it provides none)"));
    }

    [Test]
    public void With_a_transform_pairs_are_labelled_on_x_and_trained_on_the_transformed_images()
    {
        // DAC's released code: labels from the clean images' similarities, similarities trained on T(x). 4×4 images seen
        // flat through a small autoencoder's embedding; u = l = t, the median clean similarity, labels both ways. The
        // same seed draws the same T in a twin run.
        using var scope = NewDisposeScope();
        using var branch = TinyAutoencoder.Build(seed: 3, embedding: 3);
        var x = rand(6, 16);
        var transform = new ImageTransformOptions { Rotation = 30, Shift = 0.25, ImageShape = [1, 4, 4] };
        Tensor Similarities(Tensor inputs)
        {
            var f = nn.functional.normalize(branch.Embed(inputs), p: 2, dim: 1);
            return f.matmul(f.t());
        }
        using var run = new FakeRunContext(x, clusters: 2) { BranchUnderTest = branch };
        var clean = Similarities(x);
        var offDiagonal = eye(6).logical_not();
        var t = clean.masked_select(offDiagonal).median().item<float>();
        run.State.Set(DacThresholdsUpdater.Thresholds, new PairThresholds(t, t));
        var step = new StepInput(new Batch(x, arange(6)), branch.Forward(x, new HashSet<string> { Layers.Embedding }), run);

        var loss = new DacPairwiseLoss(new DacPairwiseLoss.Options { Transform = transform }).Compute(step).item<float>();

        using var twin = new FakeRunContext(x, clusters: 2);
        var tx = new ImageTransform(transform).Apply(twin.Step(x, 0, 1, 2, 3, 4, 5));
        var trained = Similarities(tx).clamp(1e-7, 1 - 1e-7);
        var similar = clean.gt(t).logical_and(offDiagonal).to_type(ScalarType.Float32);
        var dissimilar = clean.lt(t).logical_and(offDiagonal).to_type(ScalarType.Float32);
        var expected = -(similar * trained.log() + dissimilar * (1 - trained).log()).sum() / (similar.sum() + dissimilar.sum());
        Assert.That(similar.sum().item<float>() * dissimilar.sum().item<float>(), Is.GreaterThan(0), "both labels occur");
        Assert.That(loss, Is.EqualTo(expected.item<float>()).Within(1e-5));
        var similarT = trained.gt(t).logical_and(offDiagonal).to_type(ScalarType.Float32);
        var dissimilarT = trained.lt(t).logical_and(offDiagonal).to_type(ScalarType.Float32);
        var labelledOnTransformed = -(similarT * trained.log() + dissimilarT * (1 - trained).log()).sum() / (similarT.sum() + dissimilarT.sum());
        Assert.That(loss, Is.Not.EqualTo(labelledOnTransformed.item<float>()).Within(1e-5), "the labels come from x, not T(x)");
    }
}
