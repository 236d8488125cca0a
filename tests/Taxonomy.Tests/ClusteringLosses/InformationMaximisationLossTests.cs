using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.ClusteringLosses;
using Taxonomy.Tests.TestSupport;
using static TorchSharp.torch;

namespace Taxonomy.Tests.ClusteringLosses;

[TestFixture]
public sealed class InformationMaximisationLossTests
{
    // Two samples, two clusters, softmax rows p1 = (0.8, 0.2) and p2 = (0.4, 0.6), given as log-probabilities.
    private static readonly double[,] P = { { 0.8, 0.2 }, { 0.4, 0.6 } };

    private static Tensor Logits() =>
        tensor(new[,] { { Math.Log(0.8), Math.Log(0.2) }, { Math.Log(0.4), Math.Log(0.6) } }).to(ScalarType.Float32);

    private static double Entropy(params double[] p) => -p.Sum(x => x * Math.Log(x));

    private static StepInput Step(FakeRunContext run, Tensor logits)
    {
        var step = run.Step(logits, 0, 1);
        step.Outputs.Set(Layers.Logits, logits);
        return step;
    }

    [Test]
    public void The_entropies_are_the_mean_conditional_and_the_marginal_of_the_batch()
    {
        using var scope = NewDisposeScope();
        var (conditional, marginal) = InformationMaximisationLoss.Entropies(Logits());

        // H(Y|X) = ½ [H(0.8, 0.2) + H(0.4, 0.6)] = ½ (0.500402 + 0.673012); H(Y) = H(0.6, 0.4) = 0.673012.
        Assert.That(conditional.item<float>(), Is.EqualTo((Entropy(0.8, 0.2) + Entropy(0.4, 0.6)) / 2).Within(1e-6));
        Assert.That(conditional.item<float>(), Is.EqualTo(0.586707).Within(1e-6));
        Assert.That(marginal.item<float>(), Is.EqualTo(Entropy(0.6, 0.4)).Within(1e-6));
    }

    [TestCase(4.0)]
    [TestCase(1.0)]
    public void The_loss_is_the_conditional_entropy_minus_mu_times_the_marginal(double mu)
    {
        using var scope = NewDisposeScope();
        using var run = new FakeRunContext(Logits(), clusters: 2);
        var loss = new InformationMaximisationLoss(new InformationMaximisationLoss.Options { Mu = mu });

        var value = loss.Compute(Step(run, Logits())).item<float>();

        var expected = (Entropy(P[0, 0], P[0, 1]) + Entropy(P[1, 0], P[1, 1])) / 2 - mu * Entropy(0.6, 0.4);
        Assert.That(value, Is.EqualTo(expected).Within(1e-6));
        Assert.That(loss.RequiredLayers, Is.EqualTo(new[] { Layers.Logits }));
    }

    [Test]
    public void Confident_balanced_predictions_score_lower_than_confident_collapsed_ones()
    {
        using var scope = NewDisposeScope();
        using var run = new FakeRunContext(Logits(), clusters: 2);
        var loss = new InformationMaximisationLoss(new InformationMaximisationLoss.Options());
        var balanced = tensor(new float[,] { { 20, 0 }, { 0, 20 } });
        var collapsed = tensor(new float[,] { { 20, 0 }, { 20, 0 } });

        // Balanced: H(Y|X) ≈ 0, H(Y) = ln 2, loss ≈ −4 ln 2; collapsed: both ≈ 0 (an empty cluster is 0, not NaN).
        Assert.That(loss.Compute(Step(run, balanced)).item<float>(), Is.EqualTo(-4 * Math.Log(2)).Within(1e-4));
        Assert.That(loss.Compute(Step(run, collapsed)).item<float>(), Is.EqualTo(0).Within(1e-4));
    }
}
