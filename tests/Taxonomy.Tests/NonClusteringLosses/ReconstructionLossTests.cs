using TorchSharp;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.NonClusteringLosses;

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
}
