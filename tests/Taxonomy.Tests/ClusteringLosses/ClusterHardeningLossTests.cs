using Taxonomy.Blocks.ClusterUpdates;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.ClusteringLosses;
using Taxonomy.Blocks.Augmentation;
using Taxonomy.Tests.TestSupport;
using static Taxonomy.Tests.ClusteringLosses.StudentTTests;
using static TorchSharp.torch;

namespace Taxonomy.Tests.ClusteringLosses;

[TestFixture]
public sealed class ClusterHardeningLossTests
{
    private static ClusterHardeningLoss Loss(TargetSource target = TargetSource.State) =>
        new(new ClusterHardeningLoss.Options { Target = target });

    [Test]
    public void The_loss_is_the_kl_of_the_state_target_rows_at_the_batch_indices()
    {
        // The state holds P for 3 samples; the batch is samples 2 and 0, whose P rows are the hand example's.
        using var scope = NewDisposeScope();
        using var run = new FakeRunContext(Points(), clusters: 2);
        run.State.SetCopy(ClusterStateKeys.Centroids, Centroids(), trainable: false);
        run.State.Set(TargetDistributionUpdater.Target, tensor(new[,] { { P[1, 0], P[1, 1] }, { 0.5, 0.5 }, { P[0, 0], P[0, 1] } }).to(ScalarType.Float32));

        var loss = Loss().Compute(run.Step(Points(), 2, 0)).item<float>();

        Assert.That(loss, Is.EqualTo(Kl(P, Q)).Within(1e-6));
    }

    [Test]
    public void The_kl_has_p_as_the_target_not_q()
    {
        using var scope = NewDisposeScope();
        using var run = new FakeRunContext(Points(), clusters: 2);
        run.State.SetCopy(ClusterStateKeys.Centroids, Centroids(), trainable: false);
        run.State.Set(TargetDistributionUpdater.Target, tensor(P).to(ScalarType.Float32));

        var loss = Loss().Compute(run.Step(Points(), 0, 1)).item<float>();

        Assert.That(loss, Is.EqualTo(Kl(P, Q)).Within(1e-6));
        Assert.That(loss, Is.Not.EqualTo(Kl(Q, P)).Within(1e-3));
    }

    [Test]
    public void A_batch_target_is_computed_from_the_batch_q()
    {
        // Without any target in the state: P from the batch's own q is the hand example's P.
        using var scope = NewDisposeScope();
        using var run = new FakeRunContext(Points(), clusters: 2);
        run.State.SetCopy(ClusterStateKeys.Centroids, Centroids(), trainable: false);

        var loss = Loss(TargetSource.Batch);
        Assert.That(loss.Requires, Is.EquivalentTo(new StateKey[] { ClusterStateKeys.Centroids }));
        Assert.That(loss.Compute(run.Step(Points(), 0, 1)).item<float>(), Is.EqualTo(Kl(P, Q)).Within(1e-6));
    }

    [Test]
    public void The_batch_target_is_detached_so_only_q_carries_gradients()
    {
        // With P fixed, d/dq_ij of Σ p ln(p/q) is −p_ij/q_ij; a gradient through P as well would change the result.
        using var scope = NewDisposeScope();
        using var run = new FakeRunContext(Points(), clusters: 2);
        run.State.SetCopy(ClusterStateKeys.Centroids, Centroids(), trainable: true);
        run.State.Set(TargetDistributionUpdater.Target, tensor(P).to(ScalarType.Float32));

        Loss(TargetSource.Batch).Compute(run.Step(Points(), 0, 1)).backward();
        var batchGradient = run.State.Trainable(ClusterStateKeys.Centroids)!.grad!.clone();
        run.State.Trainable(ClusterStateKeys.Centroids)!.grad!.zero_();
        Loss(TargetSource.State).Compute(run.Step(Points(), 0, 1)).backward();

        Assert.That(Flat(batchGradient), Is.EqualTo(Flat(run.State.Trainable(ClusterStateKeys.Centroids)!.grad!)).Within(1e-6));
        Assert.That(Flat(batchGradient).Any(g => Math.Abs(g) > 1e-3), "trainable centroids receive a gradient");
    }

    [Test]
    public void A_state_target_requires_centroids_and_the_target_distribution()
    {
        Assert.That(Loss().Requires, Is.EquivalentTo(new StateKey[] { ClusterStateKeys.Centroids, TargetDistributionUpdater.Target }));
    }

    [Test]
    public void The_balanced_assignment_term_is_the_kl_of_the_mean_assignment_from_uniform()
    {
        using var scope = NewDisposeScope();
        float Balance(float[,] q) => ClusterHardeningLoss.BalancedAssignment(tensor(q)).item<float>();
        Assert.That(Balance(new float[,] { { 0.5f, 0.5f }, { 0.5f, 0.5f } }), Is.EqualTo(0).Within(1e-7), "balanced");
        Assert.That(Balance(new float[,] { { 1, 0 }, { 1, 0 } }), Is.EqualTo(Math.Log(2)).Within(1e-6), "one empty cluster");
        Assert.That(Balance(new float[,] { { 0.9f, 0.1f }, { 0.7f, 0.3f } }),
            Is.EqualTo(0.8 * Math.Log(1.6) + 0.2 * Math.Log(0.4)).Within(1e-6), "f = (0.8, 0.2)");
    }

    [Test]
    public void With_balance_the_loss_adds_the_weighted_balanced_assignment_term()
    {
        using var scope = NewDisposeScope();
        using var run = new FakeRunContext(Points(), clusters: 2);
        run.State.SetCopy(ClusterStateKeys.Centroids, Centroids(), trainable: false);
        var step = run.Step(Points(), 0, 1);
        var plain = Loss(TargetSource.Batch).Compute(step).item<float>();
        var balanced = new ClusterHardeningLoss(new ClusterHardeningLoss.Options { Target = TargetSource.Batch, Balance = 2 })
            .Compute(step).item<float>();
        var q = StudentT.SoftAssignment(step.Features, Centroids(), 1.0);
        Assert.That(balanced - plain, Is.EqualTo(2 * ClusterHardeningLoss.BalancedAssignment(q).item<float>()).Within(1e-6));
        Assert.That(balanced, Is.GreaterThan(plain));
    }

    [Test]
    public void With_a_transform_q_is_of_the_transformed_images_and_p_of_the_clean_ones()
    {
        // DEC-DA's clustering phase. 4×4 images seen flat through a small autoencoder; P is the batch target of the clean
        // images' q, so the loss is KL(P(x) || Q(T(x))). The same seed draws the same T in a twin run.
        using var scope = NewDisposeScope();
        using var branch = TinyAutoencoder.Build(seed: 5);
        var x = rand(4, 16);
        var transform = new ImageTransformOptions { Rotation = 30, Shift = 0.25, ImageShape = [1, 4, 4] };
        Tensor Embedding(Tensor inputs) => branch.Embed(inputs);
        using var run = new FakeRunContext(x, clusters: 2) { BranchUnderTest = branch };
        run.State.SetCopy(ClusterStateKeys.Centroids, rand(2, 2), trainable: false);
        var p = StudentT.TargetDistribution(StudentT.SoftAssignment(Embedding(x), run.State.Get(ClusterStateKeys.Centroids)!, 1.0));
        run.State.Set(TargetDistributionUpdater.Target, p);
        var step = new StepInput(new Batch(x, arange(4)), new BranchOutput(), run);

        var loss = new ClusterHardeningLoss(new ClusterHardeningLoss.Options { Transform = transform }).Compute(step).item<float>();

        using var twin = new FakeRunContext(x, clusters: 2);
        var tx = new ImageTransform(transform).Apply(twin.Step(x, 0, 1, 2, 3));
        var ofTransformed = StudentT.KlDivergence(p, StudentT.SoftAssignment(Embedding(tx), run.State.Get(ClusterStateKeys.Centroids)!, 1.0)).item<float>();
        var ofClean = StudentT.KlDivergence(p, StudentT.SoftAssignment(Embedding(x), run.State.Get(ClusterStateKeys.Centroids)!, 1.0)).item<float>();
        Assert.That(loss, Is.EqualTo(ofTransformed).Within(1e-6));
        Assert.That(loss, Is.Not.EqualTo(ofClean).Within(1e-5));
    }
}
