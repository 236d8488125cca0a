using Taxonomy.Blocks.ClusterUpdates;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.ClusteringLosses;
using Taxonomy.Blocks.Augmentation;
using Taxonomy.Tests.TestSupport;
using static TorchSharp.torch;

namespace Taxonomy.Tests.ClusteringLosses;

/// <summary>
/// Clustering losses with a "transform" run the branch on T(x) after the trainer's clean pass: the batch-norm running
/// statistics, which evaluation uses, must stay those of the clean images.
/// </summary>
[TestFixture]
public sealed class TransformedPassStatisticsTests
{
    private static readonly ImageTransformOptions s_noise = new() { Noise = 1, ImageShape = [1, 4, 4] };

    private static IEnumerable<TestCaseData> Losses()
    {
        yield return new TestCaseData(new Func<IClusteringLoss>(() =>
            new DacPairwiseLoss(new DacPairwiseLoss.Options { Transform = s_noise }))).SetName("dac-pairwise");
        yield return new TestCaseData(new Func<IClusteringLoss>(() => new ClusterHardeningLoss(
            new ClusterHardeningLoss.Options { Target = TargetSource.Batch, Transform = s_noise }))).SetName("cluster-hardening");
    }

    [TestCaseSource(nameof(Losses))]
    public void The_transformed_pass_leaves_the_batch_norm_statistics_to_the_clean_pass(Func<IClusteringLoss> loss)
    {
        using var scope = NewDisposeScope();
        using var branch = TinyAutoencoder.Build(seed: 6, batchNorm: true);
        branch.Module.train();
        var x = rand(6, 16);
        var clean = branch.Forward(x, new HashSet<string> { Layers.Embedding });
        using var run = new FakeRunContext(x, clusters: 2) { BranchUnderTest = branch };
        run.State.SetCopy(ClusterStateKeys.Centroids, rand(2, 2), trainable: false);
        run.State.Set(DacThresholdsUpdater.Thresholds, new PairThresholds(0.9, 0.1));
        var norm = branch.Module.modules().OfType<TorchSharp.Modules.NormBase>().First();
        var mean = norm.running_mean!.clone();

        loss().Compute(new StepInput(new Batch(x, arange(6)), clean, run));

        Assert.That(norm.running_mean!.allclose(mean, rtol: 0, atol: 0), Is.True);
    }
}
