using TorchSharp;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Branches;
using Taxonomy.Blocks.NonClusteringLosses;
using Taxonomy.Tests.TestSupport;

namespace Taxonomy.Tests.NonClusteringLosses;

[TestFixture]
public sealed class RotationPredictionLossTests
{
    private static MlpAutoencoderBranch Branch(int inputs)
    {
        var options = new MlpAutoencoderBranch.Options { Dims = [32, 8] };
        options.ApplyDefaults();
        var branch = new MlpAutoencoderBranch(options);
        branch.Build([inputs], clusters: 2);
        return branch;
    }

    private static RotationPredictionLoss Loss(List<long>? imageShape = null, string layer = Layers.Embedding) =>
        new(new RotationPredictionLoss.Options { ImageShape = imageShape, Layer = layer });

    [Test]
    public void A_blank_head_gives_the_cross_entropy_of_four_equally_likely_rotations()
    {
        using var scope = torch.NewDisposeScope();
        using var branch = Branch(16);
        using var loss = Loss();
        loss.Build(branch, [16]);
        using (torch.no_grad())
        {
            foreach (var p in loss.Parameters)
            {
                p.zero_();
            }
        }
        using var run = new FakeRunContext(torch.rand(5, 16), clusters: 2) { BranchUnderTest = branch };

        var value = loss.Compute(run.Step(run.Features, 0, 1, 2, 3, 4));

        Assert.That(value.item<float>(), Is.EqualTo(Math.Log(4)).Within(1e-6));
        value.backward();
        Assert.That(loss.Parameters.Count(), Is.EqualTo(2), "the head's weight and bias");
        Assert.That(loss.Parameters.All(p => p.grad is not null));
    }

    [Test]
    public void The_branch_and_head_learn_to_tell_the_rotations_apart()
    {
        // 4×4 images, flat for an MLP: the task is learnable, so training drives the loss far below log 4.
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(1);
        using var branch = Branch(16);
        using var loss = Loss(imageShape: [1, 4, 4]);
        loss.Build(branch, [16]);
        using var run = new FakeRunContext(torch.rand(64, 16), clusters: 2) { BranchUnderTest = branch };
        using var optimizer = torch.optim.Adam(branch.Module.parameters().Concat(loss.Parameters), 0.01);
        var indices = Enumerable.Range(0, 64).Select(i => (long)i).ToArray();
        double last = 0;
        for (var step = 0; step < 150; step++)
        {
            using var stepScope = torch.NewDisposeScope();
            optimizer.zero_grad();
            var value = loss.Compute(run.Step(run.Features, indices));
            value.backward();
            optimizer.step();
            last = value.item<float>();
        }
        Assert.That(last, Is.LessThan(0.2));
    }

    [Test]
    public void Shapes_it_cannot_rotate_and_unknown_layers_are_rejected_with_the_reason()
    {
        using var branch = Branch(12);
        Assert.That(Assert.Throws<ArgumentException>(() => Loss(imageShape: [1, 3, 4]).Build(branch, [12]))!.Message,
            Is.EqualTo("rotation-prediction: the images are 3×4; right-angle rotations need square images"));
        Assert.That(Assert.Throws<ArgumentException>(() => Loss().Build(branch, [12]))!.Message,
            Does.StartWith("rotation-prediction: samples of shape [12] are not images"));
        using var square = Branch(16);
        Assert.That(Assert.Throws<ArgumentException>(() => Loss(layer: "logits").Build(square, [16]))!.Message,
            Does.StartWith("rotation-prediction: layer 'logits' is not an output of the branch; it has embedding, hidden1, reconstruction"));
    }

    [Test]
    public void The_sccnn_row_trains_on_rotations_and_clusters_agglomeratively()
    {
        var (_, result) = SmallImageRows.Run("10-sccnn");

        Assert.That(result.Phases.Single().EpochsRun, Is.EqualTo(3));
        Assert.That(result.Assignments.Distinct().Count(), Is.EqualTo(3));
        Assert.That(result.Metrics!.Accuracy, Is.GreaterThanOrEqualTo(0.9), "well-separated blobs stay apart in the features");
    }
}
