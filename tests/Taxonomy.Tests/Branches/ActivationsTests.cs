using TorchSharp;
using Taxonomy.Blocks.Branches;

namespace Taxonomy.Tests.Branches;

[TestFixture]
public sealed class ActivationsTests
{
    [TestCase("relu", 0.0)]
    [TestCase("leaky-relu", -0.2)]
    [TestCase("leaky-relu(0.01)", -0.01)]
    [TestCase("leaky-relu(0)", 0.0)]
    [TestCase("elu", -0.6321205588)]
    [TestCase("tanh", -0.7615941559)]
    [TestCase("sigmoid", 0.2689414214)]
    public void Each_name_maps_minus_one_to_its_value(string name, double expected)
    {
        Assert.That(Activations.Check(name), Is.Empty);
        using var activation = Activations.Create(name);
        using var output = activation.forward(torch.tensor(new[] { -1.0, 2.0 }, dtype: torch.float64));
        Assert.That(output[0].item<double>(), Is.EqualTo(expected).Within(1e-9));
        Assert.That(output[1].item<double>(), name is "relu" or "elu" || name.StartsWith("leaky") ? Is.EqualTo(2.0) : Is.LessThan(2.0));
    }

    [Test]
    public void A_name_outside_the_list_cannot_be_created()
    {
        Assert.That(Activations.Check("leaky-relu(-0.1)").Single().Message, Does.Contain("must be a number in [0, 1)"));
        Assert.That(() => Activations.Create("swish"), Throws.ArgumentException.With.Message.Contains("unknown activation 'swish'"));
    }
}
