using TorchSharp;
using Taxonomy.Host.Running;
using Taxonomy.Tests.TestSupport;

namespace Taxonomy.Tests.Methods;

/// <summary>
/// The shipped manifests of the discriminative methods (IMSAT, RIM, DAC), shrunk to 4 Gaussian blobs of 50 points in
/// 8-D, a small classifier and a few epochs: each must cluster them (nearly) perfectly in seconds.
/// </summary>
[TestFixture]
public sealed class DiscriminativeMethodTests
{
    private static readonly string[] s_small =
    [
        "data={\"source\": \"blobs\", \"perCluster\": 50, \"clusters\": 4, \"dimensions\": 8}",
        "log.metricsEvery=0",
        "threads=1",
    ];

    private static readonly string[] s_smallMlp = [.. s_small, "branch.dims=[32, 32]", "optimizer.batchSize=50"];

    /// <summary>The shrinking overrides of a method: its network made small.</summary>
    private static string[] Small(string method) => method switch
    {
        "rim" => s_small,
        // The 8-D blobs as 1×2×4 images for the CNN; faster thresholds (u −0.05, l +0.005 per epoch).
        "dac" => [.. s_small, "optimizer.batchSize=50", "clusterUpdater.upperStep=0.05", "clusterUpdater.lowerStep=0.005",
            "preprocessor=[{\"type\": \"unit-scale\"}, {\"type\": \"reshape\", \"shape\": [1, 2, 4]}]",
            "branch.channels=[16]", "branch.dense=[32]"],
        "jule" => [.. s_small, "optimizer.batchSize=50", "clusterUpdater.initialClusters=20", "clusterUpdater.periodEpochs=1",
            "preprocessor=[{\"type\": \"unit-scale\"}, {\"type\": \"reshape\", \"shape\": [1, 2, 4]}]",
            "branch.channels=[8]", "branch.kernelSize=3", "branch.dense=[8]"],
        _ => s_smallMlp,
    };

    internal static RunResult Run(string method, params string[] overrides)
    {
        var services = Manifests.Services();
        var file = Path.Combine(TestPaths.RepositoryRoot, "manifests", method + ".json");
        var definition = services.Loader.Load(file, overrides);
        return Manifests.Runner(TextWriter.Null).Run(definition);
    }

    [TestCase("imsat-vat")]
    [TestCase("imsat-rpt")]
    public void Imsat_clusters_separated_blobs(string method)
    {
        var result = Run(method, [.. s_smallMlp, "schedule.clusteringEpochs=20"]);
        Assert.That(result.Metrics!.Accuracy, Is.GreaterThanOrEqualTo(0.95), method);
        Assert.That(result.Phases.Select(p => p.Name), Is.EqualTo(new[] { "clustering" }));
    }

    [Test]
    public void Imsat_with_image_transforms_clusters_separated_blobs()
    {
        // The 8-D blobs read as 1×2×4 images for the transforms; the MLP sees them flat.
        var result = Run("imsat-transform", [.. s_smallMlp, "schedule.clusteringEpochs=20",
            "nonClusteringLoss.transform.imageShape=[1, 2, 4]"]);
        Assert.That(result.Metrics!.Accuracy, Is.GreaterThanOrEqualTo(0.95));
    }

    /// <summary>
    /// RIM runs on the project's synthetic set (10,000 points; a linear model takes about 2 s), not on the 200 blob
    /// points: there its soft k-means start (the head after 20 epochs agrees with k-means but is barely confident)
    /// loses a cluster in the first epochs (ACC 0.75), a weakness of the recipe on tiny sets noted in docs/methods.md.
    /// </summary>
    [Test]
    public void Rim_clusters_the_synthetic_set()
    {
        var result = Run("rim", "data=synthetic", "log.metricsEvery=0", "threads=1");
        Assert.That(result.Metrics!.Accuracy, Is.GreaterThanOrEqualTo(0.95));
    }

    [Test]
    public void Dac_clusters_separated_blobs_and_stops_when_its_thresholds_meet()
    {
        var result = Run("dac", [.. Small("dac"), "schedule.clusteringEpochs=100"]);
        Assert.That(result.Metrics!.Accuracy, Is.GreaterThanOrEqualTo(0.95));
        // 0.495 / 0.055 = 9 epochs.
        Assert.That(result.Phases[0].StoppedByUpdater, Is.True);
        Assert.That(result.Phases[0].EpochsRun, Is.EqualTo(9));
    }

    [Test]
    public void Dac_on_flat_data_clusters_separated_blobs()
    {
        // dac-mlp.json: the MLP classifier with DAC's batch-normalised head instead of the CNN, on the flat blobs.
        var result = Run("dac-mlp", [.. s_smallMlp, "schedule.clusteringEpochs=100",
            "clusterUpdater.upperStep=0.05", "clusterUpdater.lowerStep=0.005"]);
        Assert.That(result.Metrics!.Accuracy, Is.GreaterThanOrEqualTo(0.95));
    }

    [Test]
    public void Jule_merges_down_to_k_clusters_and_clusters_separated_blobs()
    {
        // 200 blobs as 1×2×4 images, 50 initial clusters: 50 → 5 → 4 after periods of 3 epochs, then one more period.
        var result = Run("jule", [.. s_small, "optimizer.batchSize=50", "clusterUpdater.initialClusters=50", "clusterUpdater.periodEpochs=3",
            "preprocessor=[{\"type\": \"unit-scale\"}, {\"type\": \"reshape\", \"shape\": [1, 2, 4]}]",
            "branch.channels=[16]", "branch.kernelSize=3", "branch.dense=[16]"]);
        Assert.That(result.Metrics!.Accuracy, Is.GreaterThanOrEqualTo(0.95));
        Assert.That(result.Phases[0].StoppedByUpdater, Is.True);
        Assert.That(result.Phases[0].EpochsRun, Is.EqualTo(9));
    }

    [Test]
    public void Dac_with_image_transforms_clusters_separated_blobs()
    {
        // Pairs labelled on the clean samples, trained on noisy copies (the blobs are not images: turning or shifting
        // their 1×2×4 view mixes unrelated coordinates).
        var result = Run("dac", [.. Small("dac"), "schedule.clusteringEpochs=100",
            "clusteringLoss.transform={\"rotation\": 0, \"shift\": 0, \"zoom\": 0, \"noise\": 0.05}"]);
        Assert.That(result.Metrics!.Accuracy, Is.GreaterThanOrEqualTo(0.95));
        Assert.That(result.Phases[0].EpochsRun, Is.EqualTo(9));
    }

    [Test]
    public void Jule_with_the_mlp_merges_by_half_down_to_k_clusters_and_clusters_separated_blobs()
    {
        // jule-mlp.json on the flat blobs: 20 initial clusters, η = 0.5: 20 → 10 → 5 → 4 after periods of 2 epochs,
        // then one more period: 8 epochs.
        var result = Run("jule-mlp", [.. s_small, "optimizer.batchSize=50", "clusterUpdater.initialClusters=20",
            "clusterUpdater.periodEpochs=2", "branch.dims=[32, 16]"]);
        Assert.That(result.Metrics!.Accuracy, Is.GreaterThanOrEqualTo(0.95));
        Assert.That(result.Phases[0].StoppedByUpdater, Is.True);
        Assert.That(result.Phases[0].EpochsRun, Is.EqualTo(8));
    }

    [TestCase("imsat-vat")]
    [TestCase("dac")]
    [TestCase("rim")]
    [TestCase("jule")]
    public void A_method_leaves_no_tensors_behind_however_long_it_trains(string method)
    {
        long TensorsLeftAfter(int epochs)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            Run(method, [.. Small(method), $"schedule.clusteringEpochs={epochs}", "log.metricsEvery=1"]);
            return DisposeScopeManager.Statistics.ThreadTotalLiveCount - before;
        }
        var shortRun = TensorsLeftAfter(epochs: 2);
        var longRun = TensorsLeftAfter(epochs: 6);
        Assert.That(longRun, Is.EqualTo(shortRun), "tensors left over must not grow with training steps");
        Assert.That(longRun, Is.LessThanOrEqualTo(0), "everything a run creates is disposed by its end");
    }
}
