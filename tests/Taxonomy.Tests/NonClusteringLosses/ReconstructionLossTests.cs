using System.Text.Json.Nodes;
using TorchSharp;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Branches;
using Taxonomy.Blocks.NonClusteringLosses;
using Taxonomy.Blocks.Augmentation;
using Taxonomy.Tests.TestSupport;

namespace Taxonomy.Tests.NonClusteringLosses;

[TestFixture]
public sealed class ReconstructionLossTests
{
    private static double Loss(ReconstructionMetric metric, float[] inputs, float[] reconstruction,
        ReconstructionReduction reduction = ReconstructionReduction.Mean)
    {
        using var scope = torch.NewDisposeScope();
        var outputs = new BranchOutput();
        outputs.Set(Layers.Reconstruction, torch.tensor(reconstruction).reshape(2, -1));
        var x = torch.tensor(inputs).reshape(2, -1);
        var step = new StepInput(new Batch(x, torch.arange(2)), outputs, null!);
        return new ReconstructionLoss(new ReconstructionLoss.Options { Metric = metric, Reduction = reduction }).Compute(step).item<float>();
    }

    [Test]
    public void Mse_is_the_mean_squared_difference_over_all_elements()
    {
        // differences 1, -2, 0, 3 → (1 + 4 + 0 + 9) / 4 = 3.5
        Assert.That(Loss(ReconstructionMetric.Mse, [1, 2, 3, 4], [2, 0, 3, 7]), Is.EqualTo(3.5).Within(1e-6));
    }

    [Test]
    public void Sum_adds_each_samples_errors_and_averages_over_the_batch()
    {
        // two samples of two elements, squared differences (1, 4) and (0, 9) → ((1 + 4) + (0 + 9)) / 2 = 7
        Assert.That(Loss(ReconstructionMetric.Mse, [1, 2, 3, 4], [2, 0, 3, 7], ReconstructionReduction.Sum),
            Is.EqualTo(7).Within(1e-6));
        // BCE with logits 0 everywhere: −log ½ per element, 2 elements per sample
        Assert.That(Loss(ReconstructionMetric.Bce, [1, 0, 0, 1], [0, 0, 0, 0], ReconstructionReduction.Sum),
            Is.EqualTo(2 * Math.Log(2)).Within(1e-6));
    }

    [Test]
    public void Bce_treats_the_decoder_output_as_logits()
    {
        // logits 0 → p = 0.5 → −log 0.5 for every element whatever the target; logit ln 3 → p = 0.75, target 1 → −log 0.75
        var expected = (3 * Math.Log(2) - Math.Log(0.75)) / 4;
        Assert.That(Loss(ReconstructionMetric.Bce, [1, 0, 0.5f, 1], [0, 0, 0, (float)Math.Log(3)]), Is.EqualTo(expected).Within(1e-6));
    }

    [Test]
    public void Image_inputs_are_compared_with_a_flat_reconstruction()
    {
        using var scope = torch.NewDisposeScope();
        var outputs = new BranchOutput();
        outputs.Set(Layers.Reconstruction, torch.zeros(2, 4));
        var step = new StepInput(new Batch(torch.ones(2, 1, 2, 2), torch.arange(2)), outputs, null!);
        Assert.That(new ReconstructionLoss(new ReconstructionLoss.Options()).Compute(step).item<float>(), Is.EqualTo(1f));
    }

    /// <summary>
    /// The loss with a transform on <paramref name="n"/> random 4×4 images seen flat, through a small autoencoder; the
    /// run's generator starts from seed 0, so a twin run draws the same T.
    /// </summary>
    private sealed class AugmentedCase : IDisposable
    {
        public AugmentedCase(int seed, int n, ImageTransformOptions transform)
        {
            torch.manual_seed(seed);
            var options = new MlpAutoencoderBranch.Options { Dims = [8, 3] };
            options.ApplyDefaults();
            Branch = new MlpAutoencoderBranch(options);
            Branch.Build([16], clusters: 2);
            X = torch.rand(n, 16);
            Run = new FakeRunContext(X, clusters: 2) { BranchUnderTest = Branch };
            var loss = new ReconstructionLoss(new ReconstructionLoss.Options { Transform = transform });
            Assert.That(loss.RequiredLayers, Is.Empty, "the loss runs the branch on T(x) itself");
            Loss = loss.Compute(new StepInput(new Batch(X, torch.arange(n)), new BranchOutput(), Run)).item<float>();
        }

        public MlpAutoencoderBranch Branch { get; }
        public torch.Tensor X { get; }
        public FakeRunContext Run { get; }
        public double Loss { get; }

        /// <summary>Mean squared error between the autoencoder's reconstruction of <paramref name="inputs"/> and <paramref name="target"/>.</summary>
        public double Error(torch.Tensor inputs, torch.Tensor target) => torch.nn.functional.mse_loss(
            Branch.Forward(inputs, new HashSet<string> { Layers.Reconstruction })[Layers.Reconstruction], target).item<float>();

        public void Dispose()
        {
            Run.Dispose();
            Branch.Dispose();
        }
    }

    [Test]
    public void With_an_identity_transform_the_augmented_loss_is_the_plain_one()
    {
        using var scope = torch.NewDisposeScope();
        using var test = new AugmentedCase(3, 5, new ImageTransformOptions { Rotation = 0, Shift = 0, Zoom = 0, ImageShape = [1, 4, 4] });
        Assert.That(test.Loss, Is.EqualTo(test.Error(test.X, test.X)).Within(1e-6));
    }

    [Test]
    public void With_a_transform_the_autoencoder_reconstructs_the_transformed_images()
    {
        // DEC-DA: the target is T(x), not x.
        using var scope = torch.NewDisposeScope();
        var transform = new ImageTransformOptions { Rotation = 30, Shift = 0.25, Zoom = 0.2, ImageShape = [1, 4, 4] };
        using var test = new AugmentedCase(4, 6, transform);
        using var twin = new FakeRunContext(test.X, clusters: 2);
        var tx = new ImageTransform(transform).Apply(twin.Step(test.X, 0, 1, 2, 3, 4, 5));
        Assert.That(tx.allclose(test.X), Is.False, "the transform changed the images");
        Assert.That(test.Loss, Is.EqualTo(test.Error(tx, tx)).Within(1e-6));
        Assert.That(test.Loss, Is.Not.EqualTo(test.Error(tx, test.X)).Within(1e-4));
    }

    [Test]
    public void A_wrong_transform_option_is_named()
    {
        var manifest = Manifests.AeKMeans();
        manifest["nonClusteringLoss"]!["transform"] = new JsonObject { ["rotation"] = 500, ["imageShape"] = new JsonArray(1, 4) };
        var error = Manifests.LoadError(manifest);
        Assert.That(error, Does.Contain("nonClusteringLoss.transform.rotation must be between 0 and 180, got 500"));
        Assert.That(error, Does.Contain("nonClusteringLoss.transform.imageShape: must be three positive sizes"));
    }
}
