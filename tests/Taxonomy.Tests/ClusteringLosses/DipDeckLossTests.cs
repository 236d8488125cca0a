using Taxonomy.Abstractions.Data;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.ClusteringLosses;
using Taxonomy.Blocks.ClusterUpdates;
using Taxonomy.Tests.TestSupport;
using static TorchSharp.torch;

namespace Taxonomy.Tests.ClusteringLosses;

[TestFixture]
public sealed class DipDeckLossTests
{
    [Test]
    public void Pull_weights_are_the_rows_of_p_values_plus_identity_normalised()
    {
        using var scope = NewDisposeScope();
        var p = new double[,] { { 0, 0.5, 0 }, { 0.5, 0, 0.25 }, { 0, 0.25, 0 } };

        var weights = DipDeckLoss.PullWeights(p).data<float>().ToArray();

        // Row 0: (1, 0.5, 0) / 1.5; row 1: (0.5, 1, 0.25) / 1.75; row 2: (0, 0.25, 1) / 1.25.
        Assert.That(weights, Is.EqualTo(new[] { 1 / 1.5f, 0.5f / 1.5f, 0, 0.5f / 1.75f, 1 / 1.75f, 0.25f / 1.75f, 0, 0.2f, 0.8f })
            .Within(1e-6f));
    }

    [Test]
    public void Spread_is_one_plus_the_deviation_over_the_mean_of_the_centre_distances()
    {
        using var scope = NewDisposeScope();
        // Centres (0,0), (3,0), (0,4): distances 3, 4, 5, each in both orders; mean 4, sample deviation √(4/5).
        var centres = tensor(new float[] { 0, 0, 3, 0, 0, 4 }, [3, 2]);
        Assert.That(DipDeckLoss.Spread(centres).item<float>(), Is.EqualTo((1 + Math.Sqrt(0.8)) / 4).Within(1e-6));
        // Two centres: two distances, no deviation; one centre: no normalisation.
        Assert.That(DipDeckLoss.Spread(tensor(new float[] { 0, 0, 3, 0 }, [2, 2])).item<float>(), Is.EqualTo(1 / 3.0).Within(1e-6));
        Assert.That(DipDeckLoss.Spread(tensor(new float[] { 1, 2 }, [1, 2])).item<float>(), Is.EqualTo(1));
    }

    [TestCase(true)]
    [TestCase(false)]
    public void The_loss_pulls_to_the_embedded_centre_samples_weighted_by_p_values_and_trains_them(bool stored)
    {
        using var scope = NewDisposeScope();
        using var branch = TinyAutoencoder.Build(seed: 4);
        manual_seed(5);
        var inputs = rand(6, 16);
        using var data = new Dataset("test", inputs, null, "test");
        using var run = new FakeRunContext(zeros(6, 2), clusters: 2) { DataSet = data, BranchUnderTest = branch };
        int[] hard = [1, 1, 0, 0, 1, 0];   // deliberately not the nearest centres, so the two modes differ
        run.State.Set(ClusterStateKeys.HardAssignments, hard);
        var p = new double[,] { { 0, 0.4 }, { 0.4, 0 } };
        run.State.Set(DipDeckUpdater.Clusters, new DipDeckClusters([0, 3], p, stored));
        var z = branch.Embed(inputs);
        // The batch's own features without gradients: whatever reaches the network comes through the centres.
        var step = run.Step(z.detach(), 0, 1, 2, 3, 4, 5);

        var loss = new DipDeckLoss(new PerInputFeatureLossOptions()).Compute(step);

        var e = z.detach().to(float64).data<double>().ToArray();
        var (c0, c1) = ((e[0], e[1]), (e[6], e[7]));
        double Squared((double X, double Y) a, int i) => Math.Pow(e[2 * i] - a.X, 2) + Math.Pow(e[2 * i + 1] - a.Y, 2);
        var expected = 0.0;
        for (var i = 0; i < 6; i++)
        {
            var own = stored ? hard[i] : Squared(c0, i) <= Squared(c1, i) ? 0 : 1;
            expected += (own == 0 ? Squared(c0, i) + 0.4 * Squared(c1, i) : 0.4 * Squared(c0, i) + Squared(c1, i)) / 1.4;
        }
        var distance = Math.Sqrt(Math.Pow(c0.Item1 - c1.Item1, 2) + Math.Pow(c0.Item2 - c1.Item2, 2));
        expected = expected / 6 / distance;
        Assert.That(loss.item<float>(), Is.EqualTo(expected).Within(1e-4 * expected));

        loss.backward();
        var gradient = branch.Module.parameters().Where(w => w.grad is not null).Sum(w => w.grad!.abs().sum().item<float>());
        Assert.That(gradient, Is.GreaterThan(0), "the centre samples' embedding is trained too");
    }
}
