using TorchSharp;
using Taxonomy.Host.Running;
using Taxonomy.Tests.TestSupport;

namespace Taxonomy.Tests.Methods;

/// <summary>
/// The shipped manifests of DEC, IDEC, DCN, DKM and the conv case study, shrunk to 4 Gaussian blobs of 50 points
/// (8-D for a 32-8 autoencoder, 4×4 images for the conv one) and a few epochs: each method must cluster them (nearly)
/// perfectly in seconds.
/// </summary>
[TestFixture]
public sealed class MethodTests
{
    // Declared first: static fields initialise in textual order.
    private static readonly string[] s_shortTraining =
    [
        "schedule.pretrainEpochs=10",
        "schedule.clusteringEpochs=10",
        "optimizer.batchSize=32",
        "optimizer.learningRate=0.01",
        "clusterUpdater.restarts=3",
        "log.metricsEvery=0",
        "threads=1",
        "pretrainingCache=false",   // every run trains its own network (IsolatedCache keeps the user's cache out anyway)
    ];

    private static readonly string[] s_small =
    [
        "data={\"source\": \"blobs\", \"perCluster\": 50, \"clusters\": 4, \"dimensions\": 8}",
        "branch.dims=[32, 8]",
        .. s_shortTraining,
    ];

    /// <summary>The same blobs in 16-D seen as 4×4 images, for the convolutional manifests.</summary>
    private static readonly string[] s_smallImages =
    [
        "data={\"source\": \"blobs\", \"perCluster\": 50, \"clusters\": 4, \"dimensions\": 16}",
        "preprocessor=[{\"type\": \"unit-scale\"}, {\"type\": \"reshape\", \"shape\": [1, 4, 4]}]",
        "branch.channels=[8, 8]",
        "branch.embedding=4",
        .. s_shortTraining,
    ];

    /// <summary>Runs the shipped manifest of <paramref name="method"/>, shrunk, with further overrides.</summary>
    internal static RunResult Run(string method, params string[] overrides) => Run(method, s_small, overrides);

    private static RunResult Run(string method, string[] shrink, string[] overrides)
    {
        var services = Manifests.Services();
        var file = Path.Combine(TestPaths.RepositoryRoot, "manifests", method + ".json");
        var definition = services.Loader.Load(file, shrink.Concat(overrides));
        return Manifests.Runner(TextWriter.Null).Run(definition);
    }

    [TestCase("dec", "clusterUpdater.everyIterations=14")]
    [TestCase("idec", "clusterUpdater.everyIterations=14")]
    // The DEC-DA pre-training rotates and shifts the 8-D blobs seen as 1×2×4 images.
    [TestCase("dec-da", "clusterUpdater.everyIterations=14", "nonClusteringLoss.transform.imageShape=[1, 2, 4]")]
    [TestCase("idec-da", "clusterUpdater.everyIterations=14", "nonClusteringLoss.transform.imageShape=[1, 2, 4]")]
    [TestCase("dcn")]
    [TestCase("dkm")]
    [TestCase("vade")]
    [TestCase("deepect", "clusterUpdater.splitEveryEpochs=1", "clusterUpdater.maxLeaves=4")]
    public void The_method_clusters_separated_blobs(string method, params string[] overrides)
    {
        var result = Run(method, overrides);
        Assert.That(result.Metrics!.Accuracy, Is.GreaterThanOrEqualTo(0.95), method);
        Assert.That(result.Phases.Select(p => p.Name), Is.EqualTo(new[] { "pretrain", "clustering" }));
        Assert.That(result.Phases[1].Iterations, Is.GreaterThan(0));
    }

    [Test]
    public void The_papers_conv_case_study_clusters_separated_blobs_seen_as_images()
    {
        var result = Run("conv-case-study", s_smallImages, []);
        Assert.That(result.Metrics!.Accuracy, Is.GreaterThanOrEqualTo(0.95));
        Assert.That(result.Phases.Select(p => p.Name), Is.EqualTo(new[] { "pretrain", "clustering" }));
        Assert.That(result.Phases[1].Iterations, Is.GreaterThan(0));
    }

    [Test]
    public void Dec_with_a_per_batch_target_clusters_separated_blobs()
    {
        var result = Run("dec", "clusteringLoss.target=batch", "clusterUpdater={\"type\": \"kmeans-init\", \"trainable\": true}");
        Assert.That(result.Metrics!.Accuracy, Is.GreaterThanOrEqualTo(0.95));
    }

    [Test]
    public void The_same_seed_reproduces_the_same_dcn_assignments()
    {
        // Overlapping blobs, so the assignments depend on the training.
        var first = Run("dcn", "data.spread=6");
        var second = Run("dcn", "data.spread=6");
        var other = Run("dcn", "data.spread=6", "seed=5");
        Assert.That(second.Assignments, Is.EqualTo(first.Assignments));
        Assert.That(other.Assignments, Is.Not.EqualTo(first.Assignments));
    }

    [TestCase("dec", "clusterUpdater.everyIterations=3", "clusterUpdater.tolerance=0")]
    [TestCase("dec", "clusteringLoss.target=batch", "clusterUpdater={\"type\": \"kmeans-init\", \"trainable\": true}")]
    [TestCase("dcn")]
    [TestCase("dkm")]
    [TestCase("vade")]
    [TestCase("deepect", "clusterUpdater.splitEveryEpochs=1", "clusterUpdater.maxLeaves=4")]
    public void A_method_leaves_no_tensors_behind_however_long_it_clusters(string method, params string[] overrides)
    {
        long TensorsLeftAfter(int epochs)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            Run(method, [.. overrides, "schedule.pretrainEpochs=1", $"schedule.clusteringEpochs={epochs}", "log.metricsEvery=1"]);
            return DisposeScopeManager.Statistics.ThreadTotalLiveCount - before;
        }
        var shortRun = TensorsLeftAfter(epochs: 2);
        var longRun = TensorsLeftAfter(epochs: 8);
        Assert.That(longRun, Is.EqualTo(shortRun), "tensors left over must not grow with training steps");
        Assert.That(longRun, Is.LessThanOrEqualTo(0), "everything a run creates is disposed by its end");
    }

    [Test]
    public void A_phase_stopped_at_an_epoch_boundary_counts_and_logs_only_the_epochs_that_trained()
    {
        // The case study refreshes P at each epoch's first batch, so its tolerance stop comes before that epoch's first
        // step: that epoch must not be counted, nor logged as an epoch with a zero loss.
        var services = Manifests.Services();
        var file = Path.Combine(TestPaths.RepositoryRoot, "manifests", "conv-case-study.json");
        var definition = services.Loader.Load(file, s_smallImages.Append("schedule.clusteringEpochs=200"));
        using var log = new StringWriter();

        var phase = Manifests.Runner(log).Run(definition).Phases[1];

        const int batchesPerEpoch = 7;   // 200 points in batches of 32
        Assert.That(phase.StoppedByUpdater, Is.True);
        Assert.That(phase.Iterations, Is.EqualTo(phase.EpochsRun * batchesPerEpoch));
        var epochLines = log.ToString().Split('\n')
            .Count(line => line.StartsWith("[clustering] epoch ", StringComparison.Ordinal));
        Assert.That(epochLines, Is.EqualTo(phase.EpochsRun));
    }

    [Test]
    public void Dec_stops_when_the_labels_settle()
    {
        var result = Run("dec", "clusterUpdater.everyIterations=7", "schedule.clusteringEpochs=200");
        Assert.That(result.Phases[1].StoppedByUpdater, Is.True);
        Assert.That(result.Phases[1].EpochsRun, Is.LessThan(200));
    }
}
