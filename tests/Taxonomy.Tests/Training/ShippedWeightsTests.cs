using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Data;
using Taxonomy.Host.Composition;
using Taxonomy.Host.Training;
using Taxonomy.Tests.TestSupport;
using TorchSharp;

namespace Taxonomy.Tests.Training;

/// <summary>
/// The case study's Fashion-MNIST network shipped in data/pretrained/ (its 50 pre-training epochs take 1.6 hours on 2
/// cores) must stay loadable into the manifest's branch, and must be the trained network, not any file of the right shapes.
/// </summary>
[TestFixture]
public sealed class ShippedWeightsTests
{
    private static readonly string s_caseStudy =
        Path.Combine(TestPaths.RepositoryRoot, "data", "pretrained", "conv-case-study-fashion-mnist-seed0.pt");

    [Test]
    public void The_shipped_case_study_network_reconstructs_fashion_mnist_as_it_did_after_pretraining()
    {
        if (!Directory.Exists(DataCatalog.FashionMnistFolder))
        {
            Assert.Ignore("Fashion-MNIST is not installed.");
        }
        // Pre-training ended at a mean squared error of 0.013 per pixel (0.0128 here); the same network untrained gives 0.22.
        Assert.That(ReconstructionError(s_caseStudy), Is.LessThan(0.02), "the shipped network");
        Assert.That(ReconstructionError(weights: null), Is.GreaterThan(0.05), "an untrained network of the same shape");
    }

    /// <summary>Mean squared reconstruction error of conv-case-study.json's branch on 500 Fashion-MNIST images.</summary>
    private static double ReconstructionError(string? weights)
    {
        var services = Manifests.Services();
        var method = services.Loader.Load(Path.Combine(TestPaths.RepositoryRoot, "manifests", "conv-case-study.json"),
            ["data.source=fashion-mnist", "data.limit=500", """preprocessor=[{"type":"unit-scale"}]"""]);
        using var pipeline = Pipeline.Compose(method);
        using var data = DataCatalog.Load(method.Settings.Data, method.Settings.Seed);
        using var scope = torch.NewDisposeScope();
        var images = pipeline.Preprocessors.Aggregate(data.Features, (x, preprocessor) => preprocessor.Apply(x));
        pipeline.Branch.Build(images.shape[1..], clusters: 10);
        if (weights is not null)
        {
            BranchWeights.Load(pipeline.Branch.Module, weights);
        }
        pipeline.Branch.Module.eval();
        using var noGrad = torch.no_grad();
        var reconstruction = pipeline.Branch.Forward(images, new HashSet<string> { Layers.Reconstruction })[Layers.Reconstruction];
        return (reconstruction - images).square().mean().item<float>();
    }
}
