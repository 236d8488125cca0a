using Taxonomy.Abstractions.Data;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.ClusteringLosses;
using Taxonomy.Tests.TestSupport;
using static TorchSharp.torch;

namespace Taxonomy.Tests.ClusteringLosses;

[TestFixture]
public sealed class SoftKMeansLossTests
{
    private static SoftKMeansLoss Loss(double alpha, AlphaSchedule schedule = AlphaSchedule.Fixed) =>
        new(new SoftKMeansLoss.Options { Alpha = alpha, AlphaSchedule = schedule });

    private static TrainingProgress AtFraction(double fraction) =>
        FakeRunContext.At(PhaseKind.Clustering, iteration: (long)Math.Round(fraction * 100));   // 100 iterations per phase

    [Test]
    public void The_loss_weights_squared_distances_by_their_softmax()
    {
        // z1 = (0, 0), z2 = (1, 1); centroids (1, 0) and (0, 2); α = 0.5.
        // z1: d² = [1, 4], weights ∝ [e^-0.5, e^-2]; z2: d² = [1, 2], weights ∝ [e^-0.5, e^-1]. Loss = mean of the two.
        using var scope = NewDisposeScope();
        using var run = new FakeRunContext(zeros(2, 2), clusters: 2);
        run.State.SetCopy(ClusterStateKeys.Centroids, tensor(new float[,] { { 1, 0 }, { 0, 2 } }), trainable: true);

        var loss = Loss(0.5).Compute(run.Step(tensor(new float[,] { { 0, 0 }, { 1, 1 } }), 0, 1));

        double Row(double d1, double d2) =>
            (d1 * Math.Exp(-0.5 * d1) + d2 * Math.Exp(-0.5 * d2)) / (Math.Exp(-0.5 * d1) + Math.Exp(-0.5 * d2));
        Assert.That(loss.item<float>(), Is.EqualTo((Row(1, 4) + Row(1, 2)) / 2).Within(1e-6));
        loss.backward();
        Assert.That(run.State.Trainable(ClusterStateKeys.Centroids)!.grad, Is.Not.Null, "trainable centroids are optimised jointly");
    }

    [Test]
    public void Per_input_feature_divides_the_loss_by_the_size_of_a_sample()
    {
        // The same features and centroids as above (hard loss 1.0 at α = 1000), with 1×2×3 images as inputs: D = 6.
        using var scope = NewDisposeScope();
        using var run = new FakeRunContext(zeros(2, 2), clusters: 2);
        run.State.SetCopy(ClusterStateKeys.Centroids, tensor(new float[,] { { 1, 0 }, { 0, 2 } }), trainable: false);
        var outputs = new BranchOutput();
        outputs.Set(Layers.Embedding, tensor(new float[,] { { 0, 0 }, { 1, 1 } }));
        var step = new StepInput(new Batch(zeros(2, 1, 2, 3), tensor(new long[] { 0, 1 })), outputs, run);
        var loss = new SoftKMeansLoss(new SoftKMeansLoss.Options { Alpha = 1000, PerInputFeature = true });

        Assert.That(loss.Compute(step).item<float>(), Is.EqualTo(1.0 / 6).Within(1e-6));
    }

    [Test]
    public void A_large_alpha_gives_the_hard_k_means_loss()
    {
        // α = 1000: the weights are one-hot on the nearest centroid, so the loss is the mean of min d² = (1 + 1) / 2.
        using var scope = NewDisposeScope();
        using var run = new FakeRunContext(zeros(2, 2), clusters: 2);
        run.State.SetCopy(ClusterStateKeys.Centroids, tensor(new float[,] { { 1, 0 }, { 0, 2 } }), trainable: false);

        var loss = Loss(1000).Compute(run.Step(tensor(new float[,] { { 0, 0 }, { 1, 1 } }), 0, 1));

        Assert.That(loss.item<float>(), Is.EqualTo(1.0).Within(1e-6));
    }

    [Test]
    public void The_dkm_schedule_follows_the_published_annealing_sequence()
    {
        // α_1 = 0.1, α_n = 2^(1/ln(n)²) α_(n−1); 40 values, each for 1/40 of the phase.
        var loss = new SoftKMeansLoss(new SoftKMeansLoss.Options { AlphaSchedule = AlphaSchedule.Dkm });
        var second = 0.1 * Math.Pow(2, 1 / Math.Pow(Math.Log(2), 2));
        var third = second * Math.Pow(2, 1 / Math.Pow(Math.Log(3), 2));
        Assert.That(loss.AlphaAt(AtFraction(0)), Is.EqualTo(0.1).Within(1e-12));
        Assert.That(loss.AlphaAt(AtFraction(0.03)), Is.EqualTo(second).Within(1e-12));
        Assert.That(loss.AlphaAt(AtFraction(0.05)), Is.EqualTo(third).Within(1e-12));
        Assert.That(loss.AlphaAt(AtFraction(1)), Is.EqualTo(28.1326).Within(1e-4));
    }

    [Test]
    public void The_geometric_schedule_rises_from_the_start_to_alpha()
    {
        var loss = new SoftKMeansLoss(new SoftKMeansLoss.Options { AlphaSchedule = AlphaSchedule.Geometric, AlphaStart = 0.1, Alpha = 1000 });
        Assert.That(loss.AlphaAt(AtFraction(0)), Is.EqualTo(0.1).Within(1e-9));
        Assert.That(loss.AlphaAt(AtFraction(0.5)), Is.EqualTo(10).Within(1e-9));
        Assert.That(loss.AlphaAt(AtFraction(1)), Is.EqualTo(1000).Within(1e-9));
    }

    [Test]
    public void The_fixed_schedule_keeps_alpha()
    {
        Assert.That(Loss(1000).AlphaAt(AtFraction(0.7)), Is.EqualTo(1000));
    }
}
