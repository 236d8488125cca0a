using TorchSharp;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Branches;

namespace Taxonomy.Tests.Branches;

[TestFixture]
public sealed class MlpVaeBranchTests
{
    private static MlpVaeBranch Branch(int inputs = 6)
    {
        var options = new MlpAutoencoderBranch.Options { Dims = [5, 2] };
        options.ApplyDefaults();
        var branch = new MlpVaeBranch(options);
        branch.Build([inputs], clusters: 3);
        return branch;
    }

    private static HashSet<string> Needs(params string[] layers) => [.. layers];

    [Test]
    public void Outputs_add_the_log_variance_and_the_sample_to_the_autoencoders()
    {
        using var branch = Branch();
        Assert.That(branch.Outputs, Is.EquivalentTo(new[]
            { Layers.Embedding, Layers.Reconstruction, Layers.Hidden(1), Layers.LogVariance, Layers.Sample }));
    }

    [Test]
    public void While_training_the_sample_is_mean_plus_sigma_times_noise_and_the_decoder_reconstructs_it()
    {
        using var scope = torch.NewDisposeScope();
        using var branch = Branch();
        branch.Module.train();
        torch.manual_seed(3);
        var x = torch.rand(400, 6);

        var outputs = branch.Forward(x, Needs(Layers.Sample, Layers.Reconstruction));

        var mean = outputs[Layers.Embedding];
        var logVariance = outputs[Layers.LogVariance];
        Assert.That(logVariance.shape, Is.EqualTo(mean.shape));
        var noise = (outputs[Layers.Sample] - mean) / (logVariance * 0.5).exp();
        Assert.That(noise.mean().item<float>(), Is.EqualTo(0).Within(0.05), "ε ~ N(0, I)");
        Assert.That(noise.std().item<float>(), Is.EqualTo(1).Within(0.05), "ε ~ N(0, I)");
        var decodedMean = branch.Forward(x, Needs(Layers.Reconstruction))[Layers.Reconstruction];
        Assert.That((outputs[Layers.Reconstruction] - decodedMean).abs().max().item<float>(), Is.GreaterThan(1e-4f),
            "the reconstruction is the sample's, not the mean's");
    }

    [Test]
    public void Without_the_sample_or_when_evaluating_the_branch_is_a_deterministic_autoencoder()
    {
        using var scope = torch.NewDisposeScope();
        using var branch = Branch();
        var x = torch.rand(8, 6);
        branch.Module.train();
        var pretraining = branch.Forward(x, Needs(Layers.Reconstruction))[Layers.Reconstruction];
        Assert.That(branch.Forward(x, Needs(Layers.Reconstruction))[Layers.Reconstruction].allclose(pretraining, 0, 0), Is.True);

        branch.Module.eval();
        var evaluated = branch.Forward(x, Needs(Layers.Sample, Layers.Reconstruction));
        Assert.That(evaluated[Layers.Sample].allclose(evaluated[Layers.Embedding], 0, 0), Is.True, "evaluation takes z = μ");
        Assert.That(evaluated[Layers.Reconstruction].allclose(pretraining, 0, 0), Is.True);
    }

    [Test]
    public void Its_weights_are_the_autoencoders_plus_the_log_variance_head()
    {
        using var vae = Branch();
        var options = new MlpAutoencoderBranch.Options { Dims = [5, 2] };
        options.ApplyDefaults();
        using var autoencoder = new MlpAutoencoderBranch(options);
        autoencoder.Build([6], clusters: 3);

        var extra = vae.Module.state_dict().Keys.Except(autoencoder.Module.state_dict().Keys).ToList();
        Assert.That(extra, Is.EquivalentTo(new[] { "_logVariance.weight", "_logVariance.bias" }));
    }

    [Test]
    public void Image_shaped_data_is_rejected_with_the_vae_named()
    {
        var options = new MlpAutoencoderBranch.Options();
        options.ApplyDefaults();
        using var branch = new MlpVaeBranch(options);
        var error = Assert.Throws<ArgumentException>(() => branch.Build([1, 8, 8], clusters: 3));
        Assert.That(error!.Message, Does.StartWith("branch 'mlp-vae' needs flat samples"));
    }
}
