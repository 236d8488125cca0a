using System.Text.Json.Nodes;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Data;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Branches;
using Taxonomy.Blocks.NonClusteringLosses;
using Taxonomy.Blocks.Augmentation;
using Taxonomy.Tests.TestSupport;
using static TorchSharp.torch;

namespace Taxonomy.Tests.NonClusteringLosses;

[TestFixture]
public sealed class SelfAugmentationLossTests
{
    [Test]
    public void The_kth_neighbour_distance_excludes_the_sample_itself()
    {
        // Points on a line at 0, 1, 3, 6, 10: the 2nd nearest neighbours are 3, 3 (from 1: 0 at 1, 3 at 2 → 2), ...
        using var scope = NewDisposeScope();
        var points = tensor(new float[,] { { 0 }, { 1 }, { 3 }, { 6 }, { 10 } });
        Assert.That(PerturbationRadius.KthNeighbourDistances(points, 1), Is.EqualTo(new[] { 1.0, 1, 2, 3, 4 }).Within(1e-9));
        Assert.That(PerturbationRadius.KthNeighbourDistances(points, 2), Is.EqualTo(new[] { 3.0, 2, 3, 4, 7 }).Within(1e-9));
    }

    [Test]
    public void The_kth_neighbour_distance_is_euclidean_over_all_dimensions()
    {
        using var scope = NewDisposeScope();
        var points = tensor(new float[,] { { 0, 0 }, { 3, 4 }, { 0, 1 } });
        // From (0,0): (0,1) at 1, (3,4) at 5; from (3,4): (0,1) at √18, (0,0) at 5; from (0,1): (0,0) at 1, (3,4) at √18.
        Assert.That(PerturbationRadius.KthNeighbourDistances(points, 2), Is.EqualTo(new[] { 5, 5, Math.Sqrt(18) }).Within(1e-6));
    }

    [Test]
    public void Vat_epsilon_is_a_quarter_of_the_10th_neighbour_distance_of_each_sample()
    {
        // 12 points on a line at 0, 1, ..., 11: the 10th neighbour of 0 is 10, of 5 is 5 (0..4 and 6..10 are the 10
        // nearest, ties broken either way at distance 5), of 11 is 10. Fixed random directions, so ‖T(x) − x‖ = ε.
        using var scope = NewDisposeScope();
        using var run = RunWithLinearBranch(Enumerable.Range(0, 12).Select(i => new float[] { i, 0 }).ToArray());
        var augmentation = new VirtualAdversarialPerturbation(new VatOptions());
        var step = run.Step(run.Data.Features.index_select(0, tensor(new long[] { 0, 5, 11 })), 0, 5, 11);
        var clean = run.Branch.Forward(step.Batch.Inputs, new HashSet<string>())[Layers.Logits];

        var moved = (augmentation.Apply(step, clean) - step.Batch.Inputs).norm(1).data<float>().ToArray();

        Assert.That(moved, Is.EqualTo(new[] { 2.5, 1.25, 2.5 }).Within(1e-5));
        Assert.That(run.Messages.Single(), Does.Contain("0.25 × distance to the 10th nearest neighbour"));
    }

    [Test]
    public void The_vat_probe_lies_xi_from_x_whatever_the_samples_epsilon()
    {
        // The same 12 points as above (ε = 2.5, 1.25, 2.5 for samples 0, 5, 11). The first pass is the probe x + ξ·d:
        // IMSAT's ξ is absolute, so every probe lies ξ = 10 from its sample.
        using var scope = NewDisposeScope();
        using var run = RunWithLinearBranch(Enumerable.Range(0, 12).Select(i => new float[] { i, 0 }).ToArray());
        var recorder = new InputRecordingBranch(run.Branch);
        run.BranchUnderTest = recorder;
        var vat = new VirtualAdversarialPerturbation(new VatOptions { Xi = 10 });
        var step = run.Step(run.Data.Features.index_select(0, tensor(new long[] { 0, 5, 11 })), 0, 5, 11);
        var clean = recorder.Inner.Forward(step.Batch.Inputs, new HashSet<string>())[Layers.Logits];

        vat.Apply(step, clean);

        var probe = recorder.Inputs.Single();
        var x = step.Batch.Inputs.data<float>().ToArray();
        var distances = Enumerable.Range(0, 3).Select(i => Math.Sqrt(Enumerable.Range(0, 2).Sum(j => Math.Pow(probe[2 * i + j] - x[2 * i + j], 2))));
        Assert.That(distances, Is.All.EqualTo(10).Within(1e-4));
    }

    [Test]
    public void Rpt_moves_each_sample_by_its_fixed_radius_in_a_random_direction()
    {
        using var scope = NewDisposeScope();
        using var run = RunWithLinearBranch([[0, 0, 0], [1, 1, 1], [2, 0, 1]]);
        var rpt = new RandomPerturbation(new PerturbationOptions { Epsilon = 0.3 });
        var step = run.Step(run.Data.Features, 0, 1, 2);

        var first = rpt.Apply(step, zeros(3, 2)) - step.Batch.Inputs;
        var second = rpt.Apply(step, zeros(3, 2)) - step.Batch.Inputs;

        Assert.That(first.norm(1).data<float>().ToArray(), Is.EqualTo(new[] { 0.3, 0.3, 0.3 }).Within(1e-6));
        Assert.That(first.allclose(second), Is.False, "each call draws new directions");
    }

    [Test]
    public void The_vat_direction_of_a_linear_two_cluster_model_is_along_its_weight_difference()
    {
        // logits = W x + b: KL(p(x) ‖ p(x + ξd)) depends on d only through (w1 − w2)·d, so its gradient is parallel to w1 − w2.
        using var scope = NewDisposeScope();
        using var run = RunWithLinearBranch([[0.5f, -1, 2], [1, 1, 1], [2, 0, -1]]);
        var weight = run.Branch.Module.parameters().First();
        var difference = (weight[0] - weight[1]).detach();
        var vat = new VirtualAdversarialPerturbation(new VatOptions { Epsilon = 1, Xi = 10 });
        var step = run.Step(run.Data.Features, 0, 1, 2);
        var clean = run.Branch.Forward(step.Batch.Inputs, new HashSet<string>())[Layers.Logits];

        var direction = vat.Apply(step, clean) - step.Batch.Inputs;

        var cosine = (direction.matmul(difference) / (direction.norm(1) * difference.norm())).abs().data<float>().ToArray();
        Assert.That(cosine, Is.All.EqualTo(1).Within(1e-4));
        Assert.That(weight.grad, Is.Null, "the power iteration leaves the parameters' gradients alone");
    }

    [Test]
    public void The_loss_is_the_kl_from_the_clean_to_the_augmented_prediction()
    {
        // With ε = 0, T(x) = x and the loss is 0; with a fixed radius it is KL(p(x) ‖ p(T(x))) by hand.
        using var scope = NewDisposeScope();
        using var run = RunWithLinearBranch([[0.5f, -1, 2], [1, 1, 1]]);
        var step = StepWithLogits(run);
        var still = Loss("rpt", new PerturbationOptions { Epsilon = 0 });
        Assert.That(still.Compute(step).item<float>(), Is.EqualTo(0).Within(1e-6));

        // Hand KL of the same T(x): the run's generator is reseeded, so the random start is the same.
        var loss = Loss("vat", vat: new VatOptions { Epsilon = 0.5 });
        run.Random.StartPhase(0);
        var clean = step.Outputs[Layers.Logits].detach();
        var augmented = new VirtualAdversarialPerturbation(new VatOptions { Epsilon = 0.5 }).Apply(step, clean);
        run.Random.StartPhase(0);
        var value = loss.Compute(step).item<float>();
        var p = nn.functional.softmax(clean, 1).to(ScalarType.Float64).data<double>().ToArray();
        var q = nn.functional.softmax(run.Branch.Forward(augmented, new HashSet<string>())[Layers.Logits], 1)
            .to(ScalarType.Float64).data<double>().ToArray();
        var kl = Enumerable.Range(0, p.Length).Sum(i => p[i] * Math.Log(p[i] / q[i])) / 2;
        Assert.That(value, Is.GreaterThan(1e-4));
        Assert.That(value, Is.EqualTo(kl).Within(1e-5));
    }

    [Test]
    public void Only_the_augmented_prediction_carries_gradients()
    {
        // p(y|x) is a fixed target: the gradient equals that of KL(p.detach() ‖ q(T(x))) with T(x) fixed.
        using var scope = NewDisposeScope();
        using var run = RunWithLinearBranch([[0.5f, -1, 2], [1, 1, 1]]);
        var step = StepWithLogits(run);
        run.Random.StartPhase(0);
        Loss("rpt", new PerturbationOptions { Epsilon = 0.5 }).Compute(step).backward();
        var weight = run.Branch.Module.parameters().First();
        var lossGradient = weight.grad!.clone();
        weight.grad!.zero_();

        run.Random.StartPhase(0);
        var clean = step.Outputs[Layers.Logits].detach();
        var augmented = new RandomPerturbation(new PerturbationOptions { Epsilon = 0.5 }).Apply(step, clean);
        var logP = nn.functional.log_softmax(clean, 1);
        var logQ = nn.functional.log_softmax(run.Branch.Forward(augmented, new HashSet<string>())[Layers.Logits], 1);
        (logP.exp() * (logP - logQ)).sum(1).mean().backward();

        Assert.That(lossGradient.allclose(weight.grad!, atol: 1e-6), Is.True);
    }

    [Test]
    public void The_perturbed_passes_leave_the_batch_norm_running_statistics_alone()
    {
        // IMSAT's update_batch_stats=False: ξ = 10 probes far from the data must not move the statistics evaluation uses.
        using var scope = NewDisposeScope();
        using var run = RunWithLinearBranch(Enumerable.Range(0, 12).Select(i => new float[] { i, i % 3 }).ToArray(), dims: [4]);
        var norm = run.Branch.Module.modules().OfType<TorchSharp.Modules.BatchNorm1d>().Single();
        run.Branch.Module.train();
        var step = StepWithLogits(run);
        var mean = norm.running_mean!.clone();
        var variance = norm.running_var!.clone();

        Loss("vat").Compute(step).backward();

        Assert.That(norm.running_mean!.allclose(mean, rtol: 0, atol: 0), Is.True);
        Assert.That(norm.running_var!.allclose(variance, rtol: 0, atol: 0), Is.True);
        Assert.That(norm.momentum, Is.EqualTo(0.1), "the momentum is restored");
        run.Branch.Forward(step.Batch.Inputs + 10, new HashSet<string>());
        Assert.That(norm.running_mean!.allclose(mean), Is.False, "an ordinary pass still updates them");
    }

    [Test]
    public void Options_for_the_other_augmentation_are_rejected_naming_the_field()
    {
        var manifest = Manifests.AeKMeans();
        manifest["nonClusteringLoss"] = new JsonObject
        {
            ["type"] = "self-augmentation", ["augmentation"] = "rpt", ["vat"] = new JsonObject { ["xi"] = 1 },
        };
        Assert.That(Manifests.LoadError(manifest), Does.Contain(
            "nonClusteringLoss.vat: options for 'vat', but the augmentation is 'rpt'; remove them or set augmentation to 'vat'"));
    }

    [Test]
    public void Nested_option_ranges_and_unknown_augmentations_are_rejected_naming_the_field()
    {
        var manifest = Manifests.AeKMeans();
        manifest["nonClusteringLoss"] = new JsonObject
        {
            ["type"] = "self-augmentation", ["vat"] = new JsonObject { ["iterations"] = 0 },
        };
        Assert.That(Manifests.LoadError(manifest), Does.Contain("nonClusteringLoss.vat.iterations must be between 1 and "));
        manifest["nonClusteringLoss"] = new JsonObject { ["type"] = "self-augmentation", ["augmentation"] = "mixup" };
        Assert.That(Manifests.LoadError(manifest), Does.Contain("nonClusteringLoss.augmentation: 'mixup' is not one of: rpt, vat"));
        manifest["nonClusteringLoss"] = new JsonObject
        {
            ["type"] = "self-augmentation", ["vat"] = new JsonObject { ["radius"] = 1 },
        };
        Assert.That(Manifests.LoadError(manifest), Does.Contain("nonClusteringLoss.vat.radius: unknown option"));
    }

    private static SelfAugmentationLoss Loss(string augmentation, PerturbationOptions? rpt = null, VatOptions? vat = null)
    {
        var options = new SelfAugmentationLoss.Options { Augmentation = augmentation, Rpt = rpt, Vat = vat };
        options.ApplyDefaults();
        return new SelfAugmentationLoss(options);
    }

    private static StepInput StepWithLogits(FakeRunContext run)
    {
        var step = run.Step(run.Data.Features, Enumerable.Range(0, run.Data.Count).Select(i => (long)i).ToArray());
        step.Outputs.Set(Layers.Logits, run.Branch.Forward(step.Batch.Inputs, new HashSet<string>())[Layers.Logits]);
        return step;
    }

    /// <summary>Passes everything to <see cref="Inner"/> and keeps each forward pass's inputs, flattened (tensors would die with the pass's dispose scope).</summary>
    private sealed class InputRecordingBranch(IBranch inner) : IBranch
    {
        public IBranch Inner => inner;

        public List<float[]> Inputs { get; } = [];

        public IReadOnlySet<string> Outputs => inner.Outputs;

        public nn.Module Module => inner.Module;

        public void Build(long[] sampleShape, int clusters) => inner.Build(sampleShape, clusters);

        public BranchOutput Forward(Tensor inputs, IReadOnlySet<string> required)
        {
            Inputs.Add(inputs.detach().data<float>().ToArray());
            return inner.Forward(inputs, required);
        }

        public void Dispose() => inner.Dispose();
    }

    /// <summary>A run over <paramref name="points"/> with a two-cluster classifier, linear unless <paramref name="dims"/> says otherwise (seeded).</summary>
    private static FakeRunContext RunWithLinearBranch(float[][] points, List<int>? dims = null)
    {
        var flat = points.SelectMany(p => p).ToArray();
        var features = tensor(flat, [points.Length, points[0].Length]);
        manual_seed(1);
        var options = new MlpClassifierBranch.Options { Dims = dims ?? [] };
        var branch = new MlpClassifierBranch(options);
        branch.Build([points[0].Length], clusters: 2);
        return new FakeRunContext(features, clusters: 2)
        {
            DataSet = new Dataset("points", features.clone(), null, "test"),
            BranchUnderTest = branch,
        };
    }
}
