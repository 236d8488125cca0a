using Taxonomy.Abstractions.Data;
using Taxonomy.Abstractions.Results;
using Taxonomy.Host.Training;
using Taxonomy.Tests.TestSupport;

namespace Taxonomy.Tests.Library;

/// <summary>
/// The C# API a program uses instead of the command line: ClusteringMethod (manifest, overrides, Validate, Fit with
/// progress and cancellation) and ClusteringModel (Predict, PredictProbabilities, Embed, Save, Load).
/// </summary>
[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class LibraryApiTests
{
    private static readonly string[] s_quick = ["data.limit=300", "threads=1", "log.metricsEvery=0"];

    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("taxonomy-library-").FullName;

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_folder, recursive: true);

    /// <summary>The shipped manifest, two epochs per phase (ae-kmeans has one phase) on 300 digits.</summary>
    private static ClusteringMethod Quick(string manifest) =>
        s_quick.Concat(manifest == "ae-kmeans.json" ? ["schedule.epochs=2"] : ["schedule.pretrainEpochs=2", "schedule.clusteringEpochs=2"])
            .Aggregate(ClusteringMethod.FromManifest(Path.Combine(TestPaths.RepositoryRoot, "manifests", manifest)),
                (method, assignment) => method.With(assignment));

    [Test]
    public void Fit_reports_every_epoch_and_the_model_predicts_the_training_runs_assignments()
    {
        var epochs = new List<EpochReport>();
        using var model = Quick("dec.json").Fit(progress: new Collect(epochs));

        Assert.That(epochs.Select(e => $"{e.Phase} {e.Epoch}/{e.Epochs}"),
            Is.EqualTo(new[] { "pretrain 1/2", "pretrain 2/2", "clustering 1/2", "clustering 2/2" }));
        Assert.That(model.Method, Is.EqualTo("DEC"));
        Assert.That(model.Clusters, Is.EqualTo(10));
        using var digits = DataSets.Load("digits", limit: 300);
        Assert.That(model.Predict(digits), Is.EqualTo(model.Training!.Assignments));
        Assert.That(model.Training.Metrics!.Accuracy, Is.InRange(0.2, 1.0));
    }

    [Test]
    public void Soft_assignments_are_rows_summing_to_one_for_DEC_and_absent_for_DCN()
    {
        using var digits = DataSets.Load("digits", limit: 300);
        using (var dec = Quick("dec.json").Fit(digits))
        {
            var soft = dec.PredictProbabilities(digits)!;
            Assert.That(soft.GetLength(0), Is.EqualTo(300));
            Assert.That(soft.GetLength(1), Is.EqualTo(10));
            var labels = dec.Predict(digits);
            for (var i = 0; i < 300; i++)
            {
                var row = Enumerable.Range(0, 10).Select(j => soft[i, j]).ToArray();
                Assert.That(row.Sum(), Is.EqualTo(1.0).Within(1e-4), $"row {i}");
                Assert.That(Array.IndexOf(row, row.Max()), Is.EqualTo(labels[i]), $"row {i}: the label is the most probable cluster");
            }
        }
        using var dcn = Quick("dcn.json").Fit(digits);
        Assert.That(dcn.PredictProbabilities(digits), Is.Null);
    }

    [Test]
    public void Fit_trains_on_rows_given_in_memory_and_the_model_assigns_rows_it_has_not_seen()
    {
        using var digits = DataSets.Load("digits");
        using var training = Slice(digits, 0, 1200);
        using var unseen = Slice(digits, 1200, 1797);
        using var model = Quick("ae-kmeans.json").Fit(training);

        Assert.That(model.Training!.Samples, Is.EqualTo(1200), "the rows given, not the manifest's 300");
        var clusters = model.Predict(unseen);
        Assert.That(clusters, Has.Length.EqualTo(597).And.All.InRange(0, 9));
        Assert.That(clusters.Distinct().Count(), Is.GreaterThan(5));
        Assert.That(model.PredictResult(unseen), Is.TypeOf<Partition>());
    }

    [Test]
    public void Embed_gives_the_clustering_features_or_a_named_layer()
    {
        using var digits = DataSets.Load("digits", limit: 300);
        using var model = Quick("ae-kmeans.json").Fit(digits);

        var features = model.Embed(digits);
        Assert.That(new[] { features.GetLength(0), features.GetLength(1) }, Is.EqualTo(new[] { 300, 10 }));
        var reconstruction = model.Embed(digits, "reconstruction");
        Assert.That(new[] { reconstruction.GetLength(0), reconstruction.GetLength(1) }, Is.EqualTo(new[] { 300, 64 }));
        Assert.That(features.Cast<float>().Distinct().Count(), Is.GreaterThan(1000), "real features, not a constant");
    }

    [Test]
    public void A_saved_and_loaded_model_predicts_what_the_fitted_one_does()
    {
        using var digits = DataSets.Load("digits", limit: 300);
        using var model = Quick("idec.json").Fit(digits);
        model.Save(_folder);
        using var loaded = ClusteringModel.Load(_folder);

        Assert.That(loaded.Training, Is.Null, "a loaded model has no training report");
        Assert.That(loaded.Method, Is.EqualTo("IDEC"));
        Assert.That(loaded.Predict(digits), Is.EqualTo(model.Predict(digits)));
        Assert.That(loaded.PredictProbabilities(digits), Is.EqualTo(model.PredictProbabilities(digits)));
        Assert.That(loaded.Embed(digits), Is.EqualTo(model.Embed(digits)));
    }

    [Test]
    public void A_cancelled_fit_throws_and_leaves_no_model_and_no_file()
    {
        using var cancel = new CancellationTokenSource();
        var cache = Environment.GetEnvironmentVariable("TAXONOMY_CACHE")!;
        var before = Files(cache);
        var progress = new Collect([], _ => cancel.Cancel());   // cancel once the first epoch is done

        Assert.That(() => Quick("dec.json").With("pretrainingCache=true").Fit(progress: progress, cancellationToken: cancel.Token),
            Throws.InstanceOf<OperationCanceledException>());
        Assert.That(Files(cache), Is.EqualTo(before), "no pre-trained network cached from a cancelled pre-training");
        Assert.That(Files(_folder), Is.Empty);
    }

    [Test]
    public void A_cancelled_token_stops_before_anything_is_read()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.That(() => ClusteringMethod.FromManifest("no-such-manifest.json").Fit(cancellationToken: cancel.Token),
            Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void Validate_names_the_bad_field_and_FromJson_refuses_text_that_is_not_json()
    {
        var method = ClusteringMethod.FromManifest(Path.Combine(TestPaths.RepositoryRoot, "manifests", "dec.json"))
            .With("clusteringLoss.alpha=-1");
        Assert.That(method.Validate, Throws.Exception.With.Message.Contains("clusteringLoss.alpha"));
        Assert.That(() => ClusteringMethod.FromJson("{ not json"), Throws.InstanceOf<System.Text.Json.JsonException>());
        Assert.That(() => ClusteringMethod.FromManifest(Path.Combine(TestPaths.RepositoryRoot, "manifests", "dec.json")).Validate(),
            Throws.Nothing);
    }

    [Test]
    public void Rows_in_memory_are_a_dataset_with_their_labels()
    {
        using var data = DataSets.FromRows(new float[,] { { 0, 1 }, { 2, 3 }, { 4, 5 } }, [0, 1, 1]);
        Assert.That(data.Count, Is.EqualTo(3));
        Assert.That(data.SampleShape, Is.EqualTo(new long[] { 2 }));
        Assert.That(data.Features[2, 1].item<float>(), Is.EqualTo(5f));
        Assert.That(data.Labels, Is.EqualTo(new[] { 0, 1, 1 }));
    }

    private static Dataset Slice(Dataset data, int from, int to) =>
        new(data.Name, data.Features[from..to].clone(), data.Labels![from..to], data.Source);

    private static string[] Files(string folder) => Directory.Exists(folder)
        ? Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray()
        : [];

    /// <summary>Collects the reports synchronously (Progress&lt;T&gt; would post them to the thread pool).</summary>
    private sealed class Collect(List<EpochReport> reports, Action<EpochReport>? then = null) : IProgress<EpochReport>
    {
        public void Report(EpochReport value)
        {
            reports.Add(value);
            then?.Invoke(value);
        }
    }
}
