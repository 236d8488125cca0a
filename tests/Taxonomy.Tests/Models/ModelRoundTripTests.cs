using Taxonomy.Abstractions.Results;
using Taxonomy.Host.Models;
using Taxonomy.Tests.TestSupport;

namespace Taxonomy.Tests.Models;

/// <summary>
/// Every shipped manifest, trained briefly on 300 digits, saved as a model, loaded back without the training run and
/// asked to predict its own training data: the assignments (and soft assignments) must be the run's, exactly.
/// </summary>
[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class ModelRoundTripTests
{
    private static readonly string[] s_quick = ["data.limit=300", "threads=1", "pretrainingCache=false", "log.metricsEvery=0"];

    public static IEnumerable<string> Shipped() =>
        Directory.GetFiles(Path.Combine(TestPaths.RepositoryRoot, "manifests"), "*.json", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Path.Combine(TestPaths.RepositoryRoot, "manifests"), f))
            .Order(StringComparer.Ordinal);

    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("taxonomy-model-").FullName;

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_folder, recursive: true);

    /// <summary>Manifests whose post-clustering is transductive (a hierarchy over the training data): predict is inductive.</summary>
    private static readonly string[] s_transductive = ["ae-ward.json", "table1/10-sccnn.json"];

    [TestCaseSource(nameof(Shipped))]
    public void A_saved_model_predicts_the_runs_own_assignments(string manifest)
    {
        var (trained, predicted) = RoundTrip(manifest);
        if (s_transductive.Contains(manifest))
        {
            // Nearest final cluster mean against the Ward cut: the same clusters, boundary samples may move.
            var agreement = predicted.Primary.Labels.Where((label, i) => label == trained.Primary.Labels[i]).Count() / 300.0;
            TestContext.Out.WriteLine($"{manifest}: predict agrees with the run on {agreement:P1} of the samples");
            Assert.That(agreement, Is.GreaterThanOrEqualTo(0.8), manifest);
            return;
        }
        Assert.That(predicted.Primary.Labels, Is.EqualTo(trained.Primary.Labels), manifest);
        Assert.That(predicted.Primary.Clusters, Is.EqualTo(trained.Primary.Clusters));
        Assert.That(predicted.Primary.Probabilities, Is.EqualTo(trained.Primary.Probabilities), "soft assignments");
        Assert.That(ResultKinds.Of(predicted), Is.EqualTo(ResultKinds.Of(trained)));
        if (trained is Partitions views)
        {
            // Non-redundant clustering (ENRC, ACeDeC): every view, not only the primary one.
            var predictedViews = ((Partitions)predicted).Views;
            Assert.That(predictedViews.Select(v => v.Labels), Is.EqualTo(views.Views.Select(v => v.Labels)), "every view");
        }
    }

    /// <summary>Trains briefly, saves, loads the model back (with the plugins the manifest needs) and predicts the training data.</summary>
    private (ClusteringResult Trained, ClusteringResult Predicted) RoundTrip(string manifest)
    {
        var plugins = manifest == "ae-gmm.json" ? new[] { PluginFiles.Folder(PluginFiles.GmmFolder) } : [];
        var services = Manifests.Services(plugins);
        var method = services.Loader.Load(Path.Combine(TestPaths.RepositoryRoot, "manifests", manifest), s_quick);
        using var fitted = Manifests.Runner(TextWriter.Null).Fit(method, epochLimit: 1);
        ModelBundle.Save(fitted.Model, _folder);
        using var loaded = ModelBundle.Load(_folder, plugins);
        var (options, directory) = loaded.DataOptions(null, []);
        using var data = loaded.ReadData(options, directory);
        return (fitted.Result.Clustering, loaded.Predict(data));
    }
}
