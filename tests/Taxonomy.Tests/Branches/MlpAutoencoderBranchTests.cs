using TorchSharp;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Branches;

namespace Taxonomy.Tests.Branches;

[TestFixture]
public sealed class MlpAutoencoderBranchTests
{
    private static MlpAutoencoderBranch Branch(MlpAutoencoderBranch.Options options, int inputs = 6)
    {
        options.ApplyDefaults();
        var branch = new MlpAutoencoderBranch(options);
        branch.Build([inputs], clusters: 3);
        return branch;
    }

    [Test]
    public void Outputs_are_the_embedding_the_reconstruction_and_each_hidden_layer()
    {
        using var branch = Branch(new MlpAutoencoderBranch.Options { Dims = [5, 4, 2] });
        Assert.That(branch.Outputs, Is.EquivalentTo(new[] { "embedding", "reconstruction", "hidden1", "hidden2" }));
    }

    [Test]
    public void Input_masking_noise_corrupts_only_while_training_and_keeps_the_weights_layout()
    {
        using var noisy = Branch(new MlpAutoencoderBranch.Options { Dims = [5, 2], InputDropout = 0.5 });
        using var clean = Branch(new MlpAutoencoderBranch.Options { Dims = [5, 2] });
        Assert.That(noisy.Module.state_dict().Keys, Is.EqualTo(clean.Module.state_dict().Keys));
        clean.Module.load_state_dict(noisy.Module.state_dict());
        using var scope = torch.NewDisposeScope();
        var x = torch.rand(64, 6) + 0.5;
        var required = new HashSet<string> { Layers.Hidden(1) };
        noisy.Module.eval();
        clean.Module.eval();
        Assert.That(noisy.Forward(x, required)[Layers.Embedding].allclose(clean.Forward(x, required)[Layers.Embedding]),
            Is.True, "no corruption in evaluation");
        noisy.Module.train();
        var corrupted = noisy.Forward(x, required)[Layers.Embedding];
        Assert.That(corrupted.allclose(clean.Forward(x, required)[Layers.Embedding]), Is.False,
            "masking noise while training");
    }

    [Test]
    public void The_default_architecture_is_500_500_2000_10()
    {
        var options = new MlpAutoencoderBranch.Options();
        options.ApplyDefaults();
        Assert.That(options.Dims, Is.EqualTo(new[] { 500, 500, 2000, 10 }));
    }

    [Test]
    public void Forward_computes_only_what_is_required_with_the_right_shapes()
    {
        using var branch = Branch(new MlpAutoencoderBranch.Options { Dims = [5, 2] });
        using var scope = torch.NewDisposeScope();
        var x = torch.randn(7, 6);
        var embeddingOnly = branch.Forward(x, new HashSet<string>());
        Assert.That(embeddingOnly.Names, Is.EquivalentTo(new[] { "embedding" }), "the decoder is not run when not needed");

        var all = branch.Forward(x, new HashSet<string> { Layers.Reconstruction, Layers.Hidden(1) });
        Assert.That(all[Layers.Embedding].shape, Is.EqualTo(new long[] { 7, 2 }));
        Assert.That(all[Layers.Hidden(1)].shape, Is.EqualTo(new long[] { 7, 5 }));
        Assert.That(all[Layers.Reconstruction].shape, Is.EqualTo(new long[] { 7, 6 }));
    }

    [Test]
    public void The_embedding_is_linear_and_hidden_layers_are_activated()
    {
        using var branch = Branch(new MlpAutoencoderBranch.Options { Dims = [50, 20] });
        using var scope = torch.NewDisposeScope();
        var outputs = branch.Forward(torch.randn(64, 6), new HashSet<string> { Layers.Hidden(1) });
        Assert.That(outputs[Layers.Hidden(1)].min().item<float>(), Is.GreaterThanOrEqualTo(0f), "ReLU output");
        Assert.That(outputs[Layers.Embedding].min().item<float>(), Is.LessThan(0f), "a linear embedding takes negative values");
    }

    [Test]
    public void Batch_norm_and_dropout_add_their_layers()
    {
        using var plain = Branch(new MlpAutoencoderBranch.Options { Dims = [5, 2] });
        using var rich = Branch(new MlpAutoencoderBranch.Options { Dims = [5, 2], BatchNorm = true, Dropout = 0.2 });
        Assert.That(rich.Module.modules().Count(), Is.GreaterThan(plain.Module.modules().Count()));
        Assert.That(rich.Module.parameters().Count(), Is.EqualTo(plain.Module.parameters().Count() + 4),
            "two batch-norm layers (encoder and decoder hidden), each with weight and bias");
    }

    [Test]
    public void Image_shaped_input_is_refused_with_a_hint()
    {
        var options = new MlpAutoencoderBranch.Options();
        options.ApplyDefaults();
        using var branch = new MlpAutoencoderBranch(options);
        Assert.That(() => branch.Build([1, 28, 28], 10), Throws.ArgumentException.With.Message.EqualTo(
            "branch 'mlp-autoencoder' needs flat samples but the data has shape [1, 28, 28]; add the 'flatten' preprocessor"));
    }
}
