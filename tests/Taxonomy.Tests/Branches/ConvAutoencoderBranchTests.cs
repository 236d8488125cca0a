using System.Text.Json.Nodes;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Branches;
using Taxonomy.Blocks.Data;
using Taxonomy.Host.Manifest;
using Taxonomy.Host.Platform;
using Taxonomy.Host.Running;
using Taxonomy.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;

namespace Taxonomy.Tests.Branches;

[TestFixture]
public sealed class ConvAutoencoderBranchTests
{
    private static readonly HashSet<string> s_everything =
        [Layers.Embedding, Layers.Reconstruction, Layers.Hidden(1), Layers.Hidden(2), Layers.Hidden(3)];

    private static ConvAutoencoderBranch Built(long[] sampleShape, Downsampling downsampling, bool batchNorm = false, int width = 32)
    {
        var options = new ConvAutoencoderBranch.Options
        {
            Downsampling = downsampling, BatchNorm = batchNorm, Channels = [width, 2 * width, 4 * width], KernelSizes = [5, 5, 3],
        };
        options.ApplyDefaults();
        var branch = new ConvAutoencoderBranch(options, HostPlatform.Process.Convolutions);
        branch.Build(sampleShape, clusters: 10);
        return branch;
    }

    // DCEC's CAE on MNIST: 28 → 14 → 7 → 4 (odd 7 rounds up); digits 8 → 4 → 2 → 1; CIFAR-like 32 → 16 → 8 → 4.
    [TestCase(1, 28, 14, 7, 4, Downsampling.Stride)]
    [TestCase(1, 28, 14, 7, 4, Downsampling.Pool)]
    [TestCase(1, 8, 4, 2, 1, Downsampling.Stride)]
    [TestCase(1, 8, 4, 2, 1, Downsampling.Pool)]
    [TestCase(3, 32, 16, 8, 4, Downsampling.Stride)]
    [TestCase(3, 32, 16, 8, 4, Downsampling.Pool)]
    public void Every_output_has_its_shape_and_the_reconstruction_the_inputs(
        int channels, int size, int size1, int size2, int size3, Downsampling downsampling)
    {
        using var branch = Built([channels, size, size], downsampling, batchNorm: true);
        using var scope = NewDisposeScope();
        var inputs = rand(4, channels, size, size);
        var outputs = branch.Forward(inputs, s_everything);
        Assert.That(outputs[Layers.Embedding].shape, Is.EqualTo(new long[] { 4, 10 }));
        Assert.That(outputs[Layers.Hidden(1)].shape, Is.EqualTo(new long[] { 4, 32, size1, size1 }));
        Assert.That(outputs[Layers.Hidden(2)].shape, Is.EqualTo(new long[] { 4, 64, size2, size2 }));
        Assert.That(outputs[Layers.Hidden(3)].shape, Is.EqualTo(new long[] { 4, 128, size3, size3 }));
        Assert.That(outputs[Layers.Reconstruction].shape, Is.EqualTo(inputs.shape));
    }

    [Test]
    public void Non_square_odd_images_are_reconstructed_at_their_exact_size()
    {
        using var branch = Built([2, 13, 9], Downsampling.Stride);
        using var scope = NewDisposeScope();
        var inputs = rand(3, 2, 13, 9);
        Assert.That(branch.Forward(inputs, s_everything)[Layers.Reconstruction].shape, Is.EqualTo(inputs.shape));
    }

    [TestCase(1)]
    [TestCase(8)]
    public void The_same_input_is_always_reconstructed_the_same(int width)
    {
        // libtorch 2.10's CPU ConvTranspose2d (oneDNN) gives varying, wrong values for 8 → 1 channels with 5×5 kernels,
        // DCEC's last layer on grey images; the decoder avoids it, so narrow networks reconstruct deterministically.
        using var branch = Built([1, 8, 8], Downsampling.Stride, width: width);
        using var scope = NewDisposeScope();
        var inputs = rand(64, 1, 8, 8);
        var first = branch.Forward(inputs, s_everything)[Layers.Reconstruction].data<float>().ToArray();
        for (var i = 0; i < 5; i++)
        {
            Assert.That(branch.Forward(inputs, s_everything)[Layers.Reconstruction].data<float>().ToArray(), Is.EqualTo(first));
        }
    }

    [Test]
    public void Only_the_embedding_is_computed_unless_more_is_asked_for()
    {
        using var branch = Built([1, 8, 8], Downsampling.Stride);
        using var scope = NewDisposeScope();
        var outputs = branch.Forward(rand(2, 1, 8, 8), new HashSet<string> { Layers.Embedding });
        Assert.That(outputs.Names, Is.EquivalentTo(new[] { Layers.Embedding }));
        Assert.That(branch.Outputs, Is.EquivalentTo(s_everything));
    }

    [TestCase(Downsampling.Stride)]
    [TestCase(Downsampling.Pool)]
    public void The_reconstruction_gradient_reaches_every_parameter_and_matches_float64(Downsampling downsampling)
    {
        // float64 takes none of libtorch's oneDNN paths, whose fast float32 kernels are wrong on some CPUs (see OneDnnConvolutions).
        using var branch = Built([1, 8, 8], downsampling, batchNorm: true, width: 4);
        using var scope = NewDisposeScope();
        var inputs = rand(16, 1, 8, 8);
        Dictionary<string, Tensor> Gradients(ScalarType type)
        {
            branch.Module.to(type);
            branch.Module.zero_grad();
            var x = inputs.to(type);
            nn.functional.mse_loss(branch.Forward(x, s_everything)[Layers.Reconstruction], x).backward();
            return branch.Module.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.to(float64).clone());
        }
        var single = Gradients(float32);
        var reference = Gradients(float64);
        Assert.That(single, Has.Count.GreaterThan(10));
        foreach (var (name, gradient) in reference)
        {
            var scale = gradient.abs().max().item<double>();
            Assert.That(scale, Is.GreaterThan(0), $"{name} gets no gradient");
            Assert.That((single[name] - gradient).abs().max().item<double>(), Is.LessThan(1e-4 * scale), name);
        }
    }

    [Test]
    public void A_few_adam_steps_on_digits_reduce_the_reconstruction_error()
    {
        torch.manual_seed(1);
        using var digits = DataCatalog.LoadDigits(limit: 64);
        using var images = (digits.Features / 16).reshape(-1, 1, 8, 8);
        using var branch = Built([1, 8, 8], Downsampling.Stride, width: 8);
        using var optimizer = optim.Adam(branch.Module.parameters(), lr: 0.005);
        var losses = new List<float>();
        for (var step = 0; step < 25; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.mse_loss(branch.Forward(images, s_everything)[Layers.Reconstruction], images);
            loss.backward();
            optimizer.step();
            losses.Add(loss.item<float>());
        }
        Assert.That(losses, Has.All.Matches<float>(float.IsFinite), string.Join(", ", losses));
        Assert.That(losses[^1], Is.LessThan(losses[0] * 0.5), string.Join(", ", losses));
    }

    [Test]
    public void Flat_samples_are_rejected_with_a_hint_to_drop_flatten()
    {
        var options = new ConvAutoencoderBranch.Options();
        options.ApplyDefaults();
        using var branch = new ConvAutoencoderBranch(options, HostPlatform.Process.Convolutions);
        var error = Assert.Throws<ArgumentException>(() => branch.Build([64], clusters: 10))!;
        Assert.That(error.Message, Is.EqualTo(
            "branch 'conv-autoencoder' needs images [channels, height, width] but the data has shape [64]; " +
            "remove the 'flatten' preprocessor, or add 'reshape' (e.g. \"shape\": [1, 8, 8]) for flat data"));
    }

    [TestCase("\"kernelSize\": 4", "branch.kernelSize: must be odd (so 'same' padding keeps the size), got 4")]
    [TestCase("\"kernelSizes\": [5, 3]", "branch.kernelSizes: must give one odd kernel size per stage (3 stages), e.g. [5, 5, 3]")]
    [TestCase("\"channels\": [32, 0]", "branch.channels: must list at least one positive channel count, e.g. [32, 64, 128]")]
    [TestCase("\"downsampling\": \"unpool\"", "branch.downsampling: 'unpool' is not a valid choice; valid: stride, pool")]
    [TestCase("\"embedding\": 0", "branch.embedding must be between 1 and 1000000, got 0")]
    public void Invalid_options_are_reported_by_name(string json, string message)
    {
        var manifest = Manifests.AeKMeans();
        manifest["branch"] = JsonNode.Parse($"{{ \"type\": \"conv-autoencoder\", {json} }}");
        Assert.That(Manifests.LoadError(manifest), Is.EqualTo($"{Manifests.File}: {message}"));
    }

    private static string ShippedManifest => Path.Combine(TestPaths.RepositoryRoot, "manifests", "conv-ae-kmeans.json");

    [Test]
    public void The_shipped_conv_manifest_composes_into_a_pipeline()
    {
        var services = Manifests.Services();
        var method = services.Loader.Load(ShippedManifest);
        Assert.That(() => Host.Composition.Pipeline.Compose(method).Dispose(), Throws.Nothing);
        Assert.That(method.Preprocessors.Select(p => p.Descriptor.Name), Is.EqualTo(new[] { "unit-scale", "reshape" }));
    }

    [Test]
    public void A_tiny_run_of_the_conv_manifest_clusters_digits()
    {
        var services = Manifests.Services();
        var method = services.Loader.Load(ShippedManifest,
            ["data.limit=300", "schedule.epochs=2", "postClustering.restarts=2", "log.metricsEvery=0", "pretrainingCache=false"]);
        var log = new StringWriter();
        var result = Manifests.Runner(log).Run(method);
        Assert.That(log.ToString(), Does.Contain("sample shape [1, 8, 8]"));
        Assert.That(result.Samples, Is.EqualTo(300));
        Assert.That(result.Phases.Single().EpochsRun, Is.EqualTo(2));
        Assert.That(result.Assignments.Distinct().Count(), Is.EqualTo(10));
        Assert.That(result.Metrics!.Accuracy, Is.GreaterThan(0.2));
    }
}
