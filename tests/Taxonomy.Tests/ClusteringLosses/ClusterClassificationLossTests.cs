using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.ClusteringLosses;
using Taxonomy.Tests.TestSupport;
using static TorchSharp.torch;

namespace Taxonomy.Tests.ClusteringLosses;

[TestFixture]
public sealed class ClusterClassificationLossTests
{
    [Test]
    public void The_loss_is_the_cross_entropy_of_the_logits_against_the_batch_rows_hard_clusters()
    {
        // Samples 2 and 0 are in clusters 1 and 0; logits (2, 0) and (2, 0): one right, one wrong.
        // CE = ½[−log σ(−2 vs 2 → p₁ = e⁰/(e²+e⁰)) − log(e²/(e²+1))] = ½[log(1 + e²) + log(1 + e⁻²)].
        using var scope = NewDisposeScope();
        using var run = new FakeRunContext(zeros(3, 2), clusters: 2);
        run.State.Set(ClusterStateKeys.HardAssignments, [0, 1, 1]);
        var step = run.Step(zeros(2, 2), 2, 0);
        step.Outputs.Set(Layers.Logits, tensor(new float[,] { { 2, 0 }, { 2, 0 } }));
        var plain = new ClusterClassificationLoss(new ClusterClassificationLoss.Options { Balanced = false });
        Assert.That(plain.Compute(step).item<float>(),
            Is.EqualTo((Math.Log(1 + Math.Exp(2)) + Math.Log(1 + Math.Exp(-2))) / 2).Within(1e-5));
    }

    [Test]
    public void Balanced_cross_entropy_weighs_each_cluster_by_n_over_k_times_its_size()
    {
        // Clusters of sizes 1 and 2 out of 3: weights 3/2 and 3/4. PyTorch's weighted mean divides by the summed
        // weights of the batch's targets: (1.5·CE₀ + 0.75·CE₁) / (1.5 + 0.75).
        using var scope = NewDisposeScope();
        Assert.That(ClusterClassificationLoss.ClusterWeights([0, 1, 1], 3).data<double>().ToArray(), Is.EqualTo(new[] { 1.0, 0.5, 0 }));
        Assert.That(ClusterClassificationLoss.ClusterWeights([0, 1, 1], 2).data<double>().ToArray(), Is.EqualTo(new[] { 1.5, 0.75 }));
        using var run = new FakeRunContext(zeros(3, 2), clusters: 2);
        run.State.Set(ClusterStateKeys.HardAssignments, [0, 1, 1]);
        var step = run.Step(zeros(2, 2), 2, 0);
        step.Outputs.Set(Layers.Logits, tensor(new float[,] { { 2, 0 }, { 2, 0 } }));
        var wrong = Math.Log(1 + Math.Exp(2));
        var right = Math.Log(1 + Math.Exp(-2));
        var expected = (0.75 * wrong + 1.5 * right) / 2.25;
        var loss = new ClusterClassificationLoss(new ClusterClassificationLoss.Options()).Compute(step).item<float>();
        Assert.That(loss, Is.EqualTo(expected).Within(1e-5));
    }

    [Test]
    public void It_needs_hard_assignments_and_the_logits()
    {
        var loss = new ClusterClassificationLoss(new ClusterClassificationLoss.Options());
        Assert.That(loss.Requires, Is.EquivalentTo(new StateKey[] { ClusterStateKeys.HardAssignments }));
        Assert.That(loss.RequiredLayers, Is.EqualTo(new[] { Layers.Logits }));
    }
}
