using Taxonomy.Blocks.Clustering;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.ClusteringLosses;
using Taxonomy.Tests.TestSupport;
using static TorchSharp.torch;

namespace Taxonomy.Tests.ClusteringLosses;

[TestFixture]
public sealed class MixturePriorLossTests
{
    private static readonly MixturePriorLoss s_loss = new(new Taxonomy.Abstractions.Registration.LossOptions());

    /// <summary>A step whose features are μ̃, with the branch's log σ̃² and sample z.</summary>
    private static StepInput Step(FakeRunContext run, float[,] mean, float[,] logVariance, float[,] sample)
    {
        var step = run.Step(tensor(mean), Enumerable.Range(0, mean.GetLength(0)).Select(i => (long)i).ToArray());
        step.Outputs.Set(Layers.LogVariance, tensor(logVariance));
        step.Outputs.Set(Layers.Sample, tensor(sample));
        return step;
    }

    [Test]
    public void The_loss_is_vades_closed_form_kl_on_a_hand_computed_case()
    {
        // 1-D, two components N(0, 1) and N(2, 1) with π = (½, ½); q(z|x) = N(0, 1) and the sample z = 0.
        // γ ∝ π·N(0 | μ_c, 1) ∝ (1, e^−2). z-term ½ Σ γ_c (log σ²_c + σ̃²/σ²_c + (μ̃ − μ_c)²/σ²_c) = ½ (γ1·1 + γ2·5);
        // c-term Σ γ_c (log γ_c − log ½); entropy term −½ (1 + log σ̃²) = −½.
        using var scope = NewDisposeScope();
        using var run = new FakeRunContext(zeros(1, 1), clusters: 2);
        DiagonalMixture.Store(run.State, tensor(new float[,] { { 0 }, { 2 } }), zeros(2, 1), zeros(2), trainable: false);

        var loss = s_loss.Compute(Step(run, new float[,] { { 0 } }, new float[,] { { 0 } }, new float[,] { { 0 } }));

        var g1 = 1 / (1 + Math.Exp(-2));
        var g2 = 1 - g1;
        var expected = 0.5 * (g1 * 1 + g2 * 5) + g1 * Math.Log(g1 / 0.5) + g2 * Math.Log(g2 / 0.5) - 0.5;
        Assert.That(loss.item<float>(), Is.EqualTo(expected).Within(1e-6));
        Assert.That(expected, Is.EqualTo(0.566219).Within(1e-6));
    }

    [Test]
    public void The_kl_vanishes_when_the_posterior_is_the_prior_and_is_positive_otherwise()
    {
        // One component N((1, −1), diag(4, 0.25)): q(z|x) equal to it gives KL 0 for any sample; a narrower q gives KL > 0.
        using var scope = NewDisposeScope();
        using var run = new FakeRunContext(zeros(1, 2), clusters: 1);
        var logVariances = tensor(new float[,] { { MathF.Log(4), MathF.Log(0.25f) } });
        DiagonalMixture.Store(run.State, tensor(new float[,] { { 1, -1 } }), logVariances, zeros(1), trainable: false);
        var same = new float[,] { { MathF.Log(4), MathF.Log(0.25f) } };

        var equal = s_loss.Compute(Step(run, new float[,] { { 1, -1 } }, same, new float[,] { { 3, 0 } }));
        var narrower = s_loss.Compute(Step(run, new float[,] { { 1, -1 } }, new float[,] { { 0, -3 } }, new float[,] { { 1, -1 } }));

        Assert.That(equal.item<float>(), Is.EqualTo(0).Within(1e-6));
        // KL(N(1, 1) ‖ N(1, 4)) + KL(N(−1, e^−3) ‖ N(−1, 0.25)), each ½ (log σ²_p − log σ²_q + σ²_q/σ²_p − 1).
        double Kl(double q, double p) => 0.5 * (Math.Log(p) - Math.Log(q) + q / p - 1);
        Assert.That(narrower.item<float>(), Is.EqualTo(Kl(1, 4) + Kl(Math.Exp(-3), 0.25)).Within(1e-5));
    }

    [Test]
    public void A_trainable_mixture_and_the_encoder_outputs_all_receive_gradients()
    {
        using var scope = NewDisposeScope();
        using var run = new FakeRunContext(zeros(2, 2), clusters: 2);
        DiagonalMixture.Store(run.State, tensor(new float[,] { { 0, 0 }, { 3, 3 } }), zeros(2, 2), zeros(2), trainable: true);
        var mean = tensor(new float[,] { { 0.5f, 0 }, { 2, 3 } }, requires_grad: true);
        var logVariance = zeros(2, 2, requires_grad: true);
        var step = run.Step(mean, 0, 1);
        step.Outputs.Set(Layers.LogVariance, logVariance);
        step.Outputs.Set(Layers.Sample, mean + 0.1f);

        s_loss.Compute(step).backward();

        Assert.That(run.State.TrainableParameters.Count(), Is.EqualTo(3));
        Assert.That(run.State.TrainableParameters.All(p => p.grad is not null && p.grad.abs().sum().item<float>() > 0));
        Assert.That(mean.grad, Is.Not.Null);
        Assert.That(logVariance.grad, Is.Not.Null);
    }

    [Test]
    public void Without_a_mixture_in_the_state_the_loss_names_the_updater_to_use()
    {
        using var scope = NewDisposeScope();
        using var run = new FakeRunContext(zeros(1, 1), clusters: 2);
        run.State.SetCopy(ClusterStateKeys.Centroids, zeros(2, 1), trainable: false);
        var error = Assert.Throws<InvalidOperationException>(() =>
            s_loss.Compute(Step(run, new float[,] { { 0 } }, new float[,] { { 0 } }, new float[,] { { 0 } })));
        Assert.That(error!.Message, Is.EqualTo("mixture-prior: the cluster state has no 'mixture-log-variances' yet."));
    }

    [Test]
    public void Normalised_features_are_rejected_when_the_method_is_composed()
    {
        Assert.That(Manifests.ComposeError("vade", "featureSelector.normalize=true"), Does.Contain(
            "clusteringLoss ('mixture-prior'): needs the features to be the mean μ of q(z|x) as it is"));
    }
}
