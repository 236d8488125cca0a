using TorchSharp;
using Taxonomy.Host.Manifest;
using Taxonomy.Host.Training;
using static TorchSharp.torch;

namespace Taxonomy.Tests.Training;

[TestFixture]
public sealed class OptimizerTests
{
    [Test]
    public void Rmsprop_takes_the_manifests_rho_and_divides_by_the_root_mean_square_of_the_gradients()
    {
        // DAC's optimiser. Loss 2w at w = 1, so g = 2: v = (1 − ρ)·g² = 0.4 with ρ = 0.9, and
        // w ← 1 − lr·g / (√v + 1e-8) = 1 − 0.1·2 / √0.4 ≈ 0.683772.
        var options = new OptimizerOptions { Type = OptimizerKind.Rmsprop, LearningRate = 0.1, Rho = 0.9 };
        var settings = options.For("clustering");
        Assert.That(settings.ToString(), Is.EqualTo("rmsprop lr 0.1 rho 0.9 batch 256"));
        using var w = new TorchSharp.Modules.Parameter(tensor(new[] { 1.0 }));
        using var optimizer = OptimizerFactory.Create(settings, [w]);
        using (var loss = w.sum() * 2)
        {
            loss.backward();
        }
        optimizer.step();
        Assert.That(w.item<double>(), Is.EqualTo(1 - 0.1 * 2 / (Math.Sqrt(0.4) + 1e-8)).Within(1e-12));
    }

    [Test]
    public void Rmsprop_defaults_to_pytorchs_rho()
    {
        Assert.That(new OptimizerOptions { Type = OptimizerKind.Rmsprop }.For("pretrain").Rho, Is.EqualTo(0.99));
    }
}
