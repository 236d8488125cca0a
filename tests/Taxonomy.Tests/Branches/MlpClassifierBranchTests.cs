using System.Text.Json.Nodes;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Branches;
using Taxonomy.Tests.TestSupport;
using static TorchSharp.torch;

namespace Taxonomy.Tests.Branches;

[TestFixture]
public sealed class MlpClassifierBranchTests
{
    private static MlpClassifierBranch Branch(params int[] dims)
    {
        var options = new MlpClassifierBranch.Options { Dims = [.. dims] };
        options.ApplyDefaults();
        return new MlpClassifierBranch(options);
    }

    [Test]
    public void The_branch_exposes_hidden_layers_an_embedding_logits_and_probabilities()
    {
        using var branch = Branch(16, 8);
        Assert.That(branch.Outputs, Is.EquivalentTo(new[]
        {
            "hidden1", "hidden2", Layers.Embedding, Layers.Logits, Layers.Probabilities,
        }));
    }

    [Test]
    public void The_head_has_one_output_per_cluster_and_the_probabilities_are_its_softmax()
    {
        using var scope = NewDisposeScope();
        using var branch = Branch(16, 8);
        branch.Build([5], clusters: 3);
        var outputs = branch.Forward(randn(4, 5), new HashSet<string> { Layers.Probabilities, "hidden1" });

        Assert.That(outputs[Layers.Logits].shape, Is.EqualTo(new long[] { 4, 3 }));
        Assert.That(outputs["hidden1"].shape, Is.EqualTo(new long[] { 4, 16 }));
        Assert.That(outputs[Layers.Embedding].shape, Is.EqualTo(new long[] { 4, 8 }));
        var expected = nn.functional.softmax(outputs[Layers.Logits], 1);
        Assert.That(outputs[Layers.Probabilities].allclose(expected), Is.True);
        Assert.That(outputs[Layers.Probabilities].sum(1).allclose(ones(4)), Is.True);
    }

    [Test]
    public void Without_hidden_layers_the_branch_is_a_linear_model()
    {
        using var scope = NewDisposeScope();
        using var branch = Branch();
        branch.Build([5], clusters: 3);
        Assert.That(branch.Module.parameters().Select(p => p.shape), Is.EqualTo(new[] { new long[] { 3, 5 }, new long[] { 3 } }));
        Assert.That(branch.Outputs, Is.EquivalentTo(new[] { Layers.Embedding, Layers.Logits, Layers.Probabilities }));
    }

    [Test]
    public void The_default_is_imsat_s_two_hidden_layers_of_1200_with_batch_norm()
    {
        var options = new MlpClassifierBranch.Options();
        options.ApplyDefaults();
        Assert.That(options.Dims, Is.EqualTo(new[] { 1200, 1200 }));
        Assert.That(options.BatchNorm, Is.True);
    }

    [Test]
    public void A_non_positive_layer_size_is_rejected_naming_the_field()
    {
        var manifest = Manifests.AeKMeans();
        manifest["branch"] = new JsonObject { ["type"] = "mlp-classifier", ["dims"] = new JsonArray(32, 0) };
        Assert.That(Manifests.LoadError(manifest), Does.Contain(
            "branch.dims: hidden layer sizes must be positive ([] for a linear model)"));
    }
}
