using System.Text.Json.Nodes;
using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;
using Taxonomy.Host.Cli;
using Taxonomy.Host.Manifest;
using Taxonomy.Host.Registry;
using Taxonomy.Host.Running;
using Taxonomy.Tests.TestSupport;

namespace Taxonomy.Tests.Hostile;

/// <summary>A block's unforeseen exception surfaces as a <see cref="StageException"/> saying how far the run got.</summary>
[TestFixture]
public sealed class UnforeseenFailureTests
{
    [Test]
    public void A_block_that_throws_mid_training_is_reported_with_the_phase_and_epoch()
    {
        var manifest = Manifests.AeKMeans();
        manifest["clusteringLoss"] = new JsonObject { ["type"] = "throws" };
        manifest["schedule"] = new JsonObject
        {
            ["type"] = "pretrain-then-joint", ["pretrainEpochs"] = 1, ["clusteringEpochs"] = 2,
        };
        var registry = BlockCatalogue.Create(blocks => blocks.Add<ThrowingLoss, LossOptions>());
        var method = new ManifestLoader(registry).Load(ManifestDocument.Parse(manifest.ToJsonString(), "m.json"));

        var failure = Assert.Throws<StageException>(() => Manifests.Runner(TextWriter.Null).Run(method))!;

        Assert.That(failure.Stage, Is.EqualTo("training, phase 'clustering', epoch 1"));
        Assert.That(FailureReport.OneLine(failure), Is.EqualTo(
            "error: while training, phase 'clustering', epoch 1: InvalidOperationException: the test block gave up " +
            "(a fault of taxonomy or of a block; --verbose prints the stack trace)"));
    }

    [Block("throws", Summary = "test: throws when asked for its loss")]
    public sealed class ThrowingLoss(LossOptions options) : IClusteringLoss
    {
        public double Weight => options.Weight;

        public torch.Tensor Compute(StepInput step) =>
            throw new InvalidOperationException("the test block gave up");
    }
}
