using System.Text.Json.Nodes;
using Taxonomy.Blocks.Data;
using Taxonomy.Host.Manifest;
using Taxonomy.Host.Running;
using Taxonomy.Host.Training;
using Taxonomy.Tests.TestSupport;

namespace Taxonomy.Tests.Training;

[TestFixture]
public sealed class TrainerTests
{
    private static RunResult Run(JsonObject manifest, params string[] overrides) => Run(manifest, TextWriter.Null, overrides);

    private static RunResult Run(JsonObject manifest, TextWriter log, params string[] overrides)
    {
        var services = Manifests.Services();
        var method = services.Loader.Load(ManifestDocument.Parse(manifest.ToJsonString(), Manifests.File), overrides);
        return Manifests.Runner(log).Run(method);
    }

    [Test]
    public void Ae_plus_kmeans_separates_well_separated_blobs()
    {
        var result = Run(Manifests.AeKMeans());
        Assert.That(result.Metrics!.Accuracy, Is.GreaterThanOrEqualTo(0.99));
        Assert.That(result.Phases.Single().EpochsRun, Is.EqualTo(5));
    }

    [Test]
    public void The_same_seed_reproduces_the_same_assignments()
    {
        var manifest = Manifests.AeKMeans();
        manifest["data"]!["spread"] = 6.0;  // overlapping blobs, so that assignments depend on the training
        var first = Run(manifest);
        var second = Run(manifest);
        var other = Run(manifest, "seed=4");
        Assert.That(second.Assignments, Is.EqualTo(first.Assignments));
        Assert.That(other.Assignments, Is.Not.EqualTo(first.Assignments));
    }

    [Test]
    public void Logging_metrics_every_epoch_does_not_change_a_seeded_result()
    {
        var manifest = Manifests.AeKMeans();
        manifest["data"]!["spread"] = 6.0;
        var quiet = Run(manifest);
        var chatty = Run(manifest, "log.metricsEvery=1");
        Assert.That(chatty.Assignments, Is.EqualTo(quiet.Assignments));
    }

    [Test]
    public void Each_epoch_logs_one_line_with_losses_and_metrics()
    {
        var log = new StringWriter();
        Run(Manifests.AeKMeans(), log, "log.metricsEvery=1");
        var epochs = log.ToString().Split('\n').Where(l => l.StartsWith("[pretrain] epoch", StringComparison.Ordinal)).ToList();
        Assert.That(epochs, Has.Count.EqualTo(5));
        Assert.That(epochs, Has.All.Contains("loss").And.Contains("samples/s").And.Contains("ACC").And.Contains("NMI"));
    }

    [Test]
    public void Reconstruction_loss_falls_during_pretraining()
    {
        var log = new StringWriter();
        Run(Manifests.AeKMeans(), log, "schedule.epochs=20");
        var losses = log.ToString().Split('\n')
            .Where(l => l.StartsWith("[pretrain] epoch", StringComparison.Ordinal))
            .Select(l => double.Parse(l.Split("loss")[1].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        Assert.That(losses[^1], Is.LessThan(losses[0] * 0.5));
    }

    [Test]
    public void A_nan_loss_stops_training_with_where_it_happened()
    {
        var manifest = Manifests.AeKMeans();
        manifest["clusteringLoss"] = new JsonObject { ["type"] = "nan" };
        manifest["schedule"] = new JsonObject { ["type"] = "pretrain-then-joint", ["pretrainEpochs"] = 1, ["clusteringEpochs"] = 2 };
        var error = Assert.Throws<TrainingException>(() => Run(manifest))!;
        Assert.That(error.Message, Is.EqualTo(
            "phase 'clustering', epoch 1, batch 1: the clustering loss (clusteringLoss ('nan')) is NaN. " +
            "Lower optimizer.learningRate, check the preprocessing, or the loss's options."));
    }

    [Test]
    public void Non_finite_data_after_preprocessing_names_the_sample()
    {
        var manifest = Manifests.AeKMeans();
        manifest["preprocessor"] = new JsonArray(new JsonObject { ["type"] = "standardize" }, new JsonObject { ["type"] = "poison" });
        var error = Assert.Throws<DataException>(() => Run(manifest))!;
        Assert.That(error.Message, Does.EndWith("sample 3 has NaN or infinite values after preprocessing; clean the data or change the preprocessor."));
    }

    [Test]
    public void An_mlp_on_image_shaped_data_asks_for_the_flatten_preprocessor()
    {
        var manifest = Manifests.AeKMeans();
        manifest["data"] = new JsonObject { ["source"] = "fashion-mnist", ["limit"] = 64 };
        if (!Directory.Exists(DataCatalog.FashionMnistFolder))
        {
            Assert.Ignore("Fashion-MNIST is not installed.");
        }
        var error = Assert.Throws<ManifestException>(() => Run(manifest))!;
        Assert.That(error.Message, Is.EqualTo(
            $"{Manifests.File}: branch ('mlp-autoencoder'): branch 'mlp-autoencoder' needs flat samples but the data has " +
            "shape [1, 28, 28]; add the 'flatten' preprocessor"));
    }

    [Test]
    public void Clusters_default_to_the_number_of_labels()
    {
        Assert.That(Run(Manifests.AeKMeans()).Clusters, Is.EqualTo(4));
        Assert.That(Run(Manifests.AeKMeans(), "clusters=6").Clusters, Is.EqualTo(6));
    }

    [Test]
    public void More_clusters_than_samples_are_rejected_before_any_training()
    {
        using var log = new StringWriter();
        var error = Assert.Throws<ManifestException>(() => Run(Manifests.AeKMeans(), log, "clusters=201"))!;
        Assert.That(error.Message, Is.EqualTo($"{Manifests.File}: clusters: k=201 is more than the 200 samples of 'blobs'."));
        Assert.That(log.ToString(), Does.Not.Contain("[pretrain]"));
    }

    [Test]
    public void One_cluster_is_rejected_with_the_fields_range()
    {
        var manifest = Manifests.AeKMeans();
        manifest["clusters"] = 1;
        Assert.That(Manifests.LoadError(manifest), Is.EqualTo(
            $"{Manifests.File}: clusters must be between 2 and 100000, got 1"));
    }

    [TestCase("1,2\n3,4\n5,6\n", false, "has no labels to count")]
    [TestCase("1,2,0\n3,4,0\n5,6,0\n", true, "has a single label")]
    public void Data_without_labels_to_count_clusters_by_is_rejected(string rows, bool labelled, string reason)
    {
        var csv = Path.Combine(Path.GetTempPath(), $"unlabelled-{Guid.NewGuid():N}.csv");
        File.WriteAllText(csv, rows);
        try
        {
            var manifest = Manifests.AeKMeans();
            manifest["data"] = new JsonObject { ["source"] = csv, ["labels"] = labelled };
            var error = Assert.Throws<ManifestException>(() => Run(manifest))!;
            Assert.That(error.Message, Does.Contain("clusters: not given, and the data set").And.Contain(reason)
                .And.Contain("--clusters K"));
        }
        finally
        {
            File.Delete(csv);
        }
    }

    [Test]
    public void Sgd_with_nesterov_momentum_and_phase_overrides_train_too()
    {
        var manifest = Manifests.AeKMeans();
        manifest["optimizer"] = new JsonObject
        {
            ["type"] = "sgd", ["learningRate"] = 0.05, ["momentum"] = 0.9, ["nesterov"] = true,
            ["phases"] = new JsonObject { ["pretrain"] = new JsonObject { ["batchSize"] = 16 } },
        };
        var log = new StringWriter();
        var result = Run(manifest, log);
        Assert.That(log.ToString(), Does.Contain("sgd lr 0.05 momentum 0.9 nesterov batch 16"));
        Assert.That(result.Phases.Single().Iterations, Is.EqualTo(5 * 13));
        Assert.That(result.Metrics!.Accuracy, Is.GreaterThanOrEqualTo(0.9));
    }
}
