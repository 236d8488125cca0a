using System.Text.Json.Nodes;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Branches;
using Taxonomy.Host.Platform;
using Taxonomy.Tests.TestSupport;
using static TorchSharp.torch;

namespace Taxonomy.Tests.Branches;

[TestFixture]
public sealed class CnnClassifierBranchTests
{
    private static CnnClassifierBranch Branch(Action<CnnClassifierBranch.Options>? edit = null)
    {
        var options = new CnnClassifierBranch.Options { Channels = [4, 6], Dense = [5] };
        edit?.Invoke(options);
        options.ApplyDefaults();
        return new CnnClassifierBranch(options, HostPlatform.Process.Convolutions);
    }

    [Test]
    public void Each_stage_halves_the_image_and_the_head_has_one_output_per_cluster()
    {
        // 8×7 → 4×4 → 2×2 (max-pooling rounds up), dense 5, head 3.
        using var scope = NewDisposeScope();
        using var branch = Branch();
        branch.Build([1, 8, 7], clusters: 3);
        var outputs = branch.Forward(randn(2, 1, 8, 7), new HashSet<string> { "hidden1", "hidden2", "hidden3", Layers.Probabilities });

        Assert.That(outputs["hidden1"].shape, Is.EqualTo(new long[] { 2, 4, 4, 4 }));
        Assert.That(outputs["hidden2"].shape, Is.EqualTo(new long[] { 2, 6, 2, 2 }));
        Assert.That(outputs["hidden3"].shape, Is.EqualTo(new long[] { 2, 5 }));
        Assert.That(outputs[Layers.Embedding].shape, Is.EqualTo(new long[] { 2, 5 }));
        Assert.That(outputs[Layers.Logits].shape, Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(outputs[Layers.Probabilities].sum(1).allclose(ones(2)), Is.True);
        Assert.That(branch.Outputs, Is.EquivalentTo(new[]
        {
            "hidden1", "hidden2", "hidden3", Layers.Embedding, Layers.Logits, Layers.Probabilities,
        }));
    }

    [Test]
    public void Without_dense_layers_the_embedding_is_the_last_feature_map_flattened()
    {
        using var scope = NewDisposeScope();
        using var branch = Branch(o => { o.Dense = []; o.ConvsPerStage = 2; o.HeadBatchNorm = true; });
        branch.Build([1, 8, 8], clusters: 3);
        var outputs = branch.Forward(randn(3, 1, 8, 8), new HashSet<string>());
        Assert.That(outputs[Layers.Embedding].shape, Is.EqualTo(new long[] { 3, 6 * 2 * 2 }));
        Assert.That(branch.Module.modules().OfType<VerifiedConv2d>().Count(), Is.EqualTo(4));
    }

    [Test]
    public void Flat_data_is_rejected_with_a_hint()
    {
        using var branch = Branch();
        Assert.That(() => branch.Build([64], clusters: 3), Throws.ArgumentException.With.Message.Contains("add 'reshape'"));
    }

    [Test]
    public void An_even_kernel_is_rejected_naming_the_field()
    {
        var manifest = Manifests.AeKMeans();
        manifest["branch"] = new JsonObject { ["type"] = "cnn-classifier", ["kernelSize"] = 4 };
        Assert.That(Manifests.LoadError(manifest), Does.Contain("branch.kernelSize: must be odd"));
    }
}
