using System.Text.Json.Nodes;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.ClusteringLosses;
using Taxonomy.Tests.TestSupport;
using static TorchSharp.torch;

namespace Taxonomy.Tests.ClusteringLosses;

[TestFixture]
public sealed class AgglomerativeTripletLossTests
{
    // a = (1, 0), b = (0.6, 0.8), c = (0, 1) after normalisation: s_ab = 0.6, s_ac = 0, s_bc = 0.8.
    private static Tensor Features() => tensor(new float[,] { { 2, 0 }, { 0.6f, 0.8f }, { 0, 1 } });

    [Test]
    public void The_loss_averages_the_hinge_over_every_anchor_positive_negative_triplet()
    {
        // Clusters {a, b} and {c}. Triplets (anchor, positive, negative): (a, b, c): 0.2 − 0.6 + 0 < 0 → 0;
        // (b, a, c): 0.2 − 0.6 + 0.8 = 0.4. c has no positive. Mean over the 2 triplets: 0.2.
        using var scope = NewDisposeScope();
        var loss = AgglomerativeTripletLoss.Triplet(Features(), tensor(new long[] { 0, 0, 1 }), margin: 0.2, gamma: 1);
        Assert.That(loss.item<float>(), Is.EqualTo(0.2).Within(1e-6));
    }

    [Test]
    public void Gamma_weights_the_positive_similarity()
    {
        // Clusters {b, c} and {a}, γ = 2: (b, c, a): 0.2 − 1.6 + 0.6 < 0 → 0; (c, b, a): 0.2 − 1.6 + 0 → 0;
        // with γ = 0.5: (b, c, a): 0.2 − 0.4 + 0.6 = 0.4; (c, b, a): 0.2 − 0.4 + 0 → 0. Mean 0.2.
        using var scope = NewDisposeScope();
        var labels = tensor(new long[] { 1, 0, 0 });
        Assert.That(AgglomerativeTripletLoss.Triplet(Features(), labels, 0.2, 2).item<float>(), Is.EqualTo(0).Within(1e-6));
        Assert.That(AgglomerativeTripletLoss.Triplet(Features(), labels, 0.2, 0.5).item<float>(), Is.EqualTo(0.2).Within(1e-6));
    }

    [Test]
    public void The_loss_reads_the_clusters_of_the_batch_samples_from_the_state()
    {
        // The batch is samples 4, 2, 0 of the data set, whose hard assignments are 7, 7, 3: clusters {a, b}, {c}.
        using var scope = NewDisposeScope();
        using var run = new FakeRunContext(Features(), clusters: 2);
        run.State.Set(ClusterStateKeys.HardAssignments, [3, 0, 7, 0, 7]);
        var loss = new AgglomerativeTripletLoss(new AgglomerativeTripletLoss.Options());

        Assert.That(loss.Compute(run.Step(Features(), 4, 2, 0)).item<float>(), Is.EqualTo(0.2).Within(1e-6));
        Assert.That(loss.Requires, Is.EquivalentTo(new StateKey[] { ClusterStateKeys.HardAssignments }));
    }

    [Test]
    public void A_batch_of_one_cluster_has_no_triplet_and_costs_nothing()
    {
        using var scope = NewDisposeScope();
        Assert.That(AgglomerativeTripletLoss.Triplet(Features(), tensor(new long[] { 0, 0, 0 }), 0.2, 1).item<float>(), Is.EqualTo(0));
    }
}
