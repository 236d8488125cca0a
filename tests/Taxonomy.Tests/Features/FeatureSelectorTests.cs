using TorchSharp;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Features;

namespace Taxonomy.Tests.Features;

[TestFixture]
public sealed class FeatureSelectorTests
{
    private static BranchOutput Outputs()
    {
        var outputs = new BranchOutput();
        outputs.Set(Layers.Embedding, torch.tensor(new float[] { 3, 4, 0, 2 }).reshape(2, 2));
        outputs.Set(Layers.Hidden(1), torch.tensor(new float[] { 1, 0, 0, 0, 5, 0 }).reshape(2, 3));
        return outputs;
    }

    [Test]
    public void The_embedding_selector_returns_the_embedding_or_its_unit_vectors()
    {
        using var scope = torch.NewDisposeScope();
        var plain = new EmbeddingFeatureSelector(new EmbeddingFeatureSelector.Options()).Select(Outputs());
        var unit = new EmbeddingFeatureSelector(new EmbeddingFeatureSelector.Options { Normalize = true }).Select(Outputs());
        Assert.That(plain.data<float>().ToArray(), Is.EqualTo(new float[] { 3, 4, 0, 2 }));
        Assert.That(unit.data<float>().ToArray(), Is.EqualTo(new float[] { 0.6f, 0.8f, 0, 1 }).Within(1e-6));
    }

    [Test]
    public void A_radius_puts_the_normalised_embedding_on_that_sphere_and_needs_normalize()
    {
        using var scope = torch.NewDisposeScope();
        var options = new EmbeddingFeatureSelector.Options { Normalize = true, Radius = 3 };
        var onSphere = new EmbeddingFeatureSelector(options).Select(Outputs());
        Assert.That(onSphere.data<float>().ToArray(), Is.EqualTo(new float[] { 1.8f, 2.4f, 0, 3 }).Within(1e-6));
        Assert.That(options.Validate(), Is.Empty);
        var problems = new EmbeddingFeatureSelector.Options { Radius = 3 }.Validate().ToList();
        Assert.That(problems.Select(p => p.Option), Is.EqualTo(new[] { "radius" }));
        Assert.That(problems[0].Message, Does.Contain("normalize"));
    }

    [Test]
    public void Concatenated_layers_are_joined_in_the_order_given_each_normalised_on_its_own()
    {
        using var scope = torch.NewDisposeScope();
        var selector = new ConcatenatedLayersFeatureSelector(new ConcatenatedLayersFeatureSelector.Options
        {
            Layers = ["hidden1", "embedding"],
            Normalize = true,
        });
        var features = selector.Select(Outputs());
        Assert.That(selector.RequiredLayers, Is.EqualTo(new[] { "hidden1", "embedding" }));
        Assert.That(features.shape, Is.EqualTo(new long[] { 2, 5 }));
        Assert.That(features.data<float>().ToArray(), Is.EqualTo(new float[] { 1, 0, 0, 0.6f, 0.8f, 0, 1, 0, 0, 1 }).Within(1e-6));
    }

    [Test]
    public void Concatenated_layers_need_at_least_one_layer()
    {
        var problems = new ConcatenatedLayersFeatureSelector.Options().Validate().ToList();
        Assert.That(problems.Single().Option, Is.EqualTo("layers"));
    }
}
