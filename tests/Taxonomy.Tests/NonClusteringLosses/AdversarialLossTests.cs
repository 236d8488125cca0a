using TorchSharp;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Branches;
using Taxonomy.Blocks.NonClusteringLosses;
using Taxonomy.Tests.TestSupport;

namespace Taxonomy.Tests.NonClusteringLosses;

[TestFixture]
public sealed class AdversarialLossTests
{
    /// <summary>A small discriminator body: 2 → 16 → 8 (embedding), batch norm and ReLU.</summary>
    private static MlpClassifierBranch Discriminator()
    {
        var options = new MlpClassifierBranch.Options { Dims = [16, 8] };
        options.ApplyDefaults();
        var branch = new MlpClassifierBranch(options);
        branch.Build([2], clusters: 2);
        return branch;
    }

    private static AdversarialLoss Gan(MlpClassifierBranch branch)
    {
        var loss = new AdversarialLoss(new AdversarialLoss.Options { LatentSize = 4, Generator = [16] });
        loss.Build(branch, [2]);
        return loss;
    }

    /// <summary>A step whose outputs are the discriminator's on the real batch, with the run's generator fresh.</summary>
    private static (FakeRunContext Run, StepInput Step) Step(MlpClassifierBranch branch, torch.Tensor x)
    {
        var run = new FakeRunContext(x, clusters: 2) { BranchUnderTest = branch };
        var outputs = branch.Forward(x, new HashSet<string> { Layers.Embedding });
        return (run, new StepInput(new Batch(x, torch.arange(x.shape[0])), outputs, run));
    }

    private static List<float[]> Gradients(IEnumerable<TorchSharp.Modules.Parameter> parameters) =>
        parameters.Select(p => p.grad is null ? [] : p.grad.data<float>().ToArray()).ToList();

    [Test]
    public void The_discriminator_learns_only_its_own_loss_and_the_generator_only_its_own()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(2);
        using var branch = Discriminator();
        using var gan = Gan(branch);
        branch.Module.train();
        var x = torch.rand(12, 2);
        var discriminatorParameters = branch.Module.parameters().Concat(gan.Parameters.Skip(gan.Generator.parameters().Count())).ToList();
        var generatorParameters = gan.Generator.parameters().ToList();

        var (run1, step1) = Step(branch, x);
        var loss = gan.Compute(step1);
        loss.backward();
        var fromLoss = (Discriminator: Gradients(discriminatorParameters), Generator: Gradients(generatorParameters));
        run1.Dispose();

        // The same z again (a fresh run generator): the discriminator's loss alone, and the generator's directly.
        foreach (var p in discriminatorParameters.Concat(generatorParameters))
        {
            p.grad?.zero_();
        }
        var (run2, step2) = Step(branch, x);
        var terms = gan.Terms(step2);
        Assert.That(loss.item<float>(), Is.EqualTo(terms.Discriminator.item<float>() + terms.Generator.item<float>()).Within(1e-5));
        terms.Discriminator.backward();
        var discriminatorOnly = Gradients(discriminatorParameters);
        run2.Dispose();

        var (run3, step3) = Step(branch, x);
        var fake = gan.Terms(step3).Fake;
        var head = (TorchSharp.Modules.Linear)gan.GetType().GetField("_head", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(gan)!;
        var generatorLoss = torch.nn.functional.binary_cross_entropy_with_logits(
            head.call(branch.Forward(fake, new HashSet<string> { Layers.Embedding })[Layers.Embedding]).squeeze(1), torch.ones(12));
        var generatorOnly = torch.autograd.grad([generatorLoss], generatorParameters.Cast<torch.Tensor>().ToList())
            .Select(g => g.data<float>().ToArray()).ToList();
        run3.Dispose();

        for (var i = 0; i < discriminatorParameters.Count; i++)
        {
            Assert.That(fromLoss.Discriminator[i], Is.EqualTo(discriminatorOnly[i]).Within(1e-5), $"discriminator parameter {i}");
        }
        for (var i = 0; i < generatorParameters.Count; i++)
        {
            Assert.That(fromLoss.Generator[i], Is.EqualTo(generatorOnly[i]).Within(1e-5), $"generator parameter {i}");
        }
    }

    [Test]
    public void The_ugtac_row_trains_a_gan_and_clusters_the_discriminators_features()
    {
        var (definition, result) = SmallImageRows.Run("13-ugtac", "nonClusteringLoss.generator=[16]");

        var options = (AdversarialLoss.Options)definition[Taxonomy.Abstractions.Registration.BlockRole.NonClusteringLoss].Options;
        Assert.That(options.Generator, Is.EqualTo(new[] { 16 }), "a manifest's list replaces the default, never appends to it");

        Assert.That(result.Phases.Single().EpochsRun, Is.EqualTo(3));
        Assert.That(result.Metrics!.Accuracy, Is.GreaterThanOrEqualTo(0.9), "well-separated blobs stay apart in the features");
    }
}
