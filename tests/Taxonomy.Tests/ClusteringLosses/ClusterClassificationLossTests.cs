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
        run.State.HardAssignments = [0, 1, 1];
        var step = run.Step(zeros(2, 2), 2, 0);
        step.Outputs.Set(Layers.Logits, tensor(new float[,] { { 2, 0 }, { 2, 0 } }));
        var loss = new ClusterClassificationLoss(new LossOptions()).Compute(step).item<float>();
        Assert.That(loss, Is.EqualTo((Math.Log(1 + Math.Exp(2)) + Math.Log(1 + Math.Exp(-2))) / 2).Within(1e-5));
    }

    [Test]
    public void It_needs_hard_assignments_and_the_logits()
    {
        var loss = new ClusterClassificationLoss(new LossOptions());
        Assert.That(loss.Requires, Is.EqualTo(ClusterStateParts.HardAssignments));
        Assert.That(loss.RequiredLayers, Is.EqualTo(new[] { Layers.Logits }));
    }
}
