using System.Text.Json.Nodes;
using Taxonomy.Tests.TestSupport;

namespace Taxonomy.Tests.Cli;

[TestFixture]
[NonParallelizable]
public sealed class KMeansChoiceTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => Directory.CreateDirectory(_folder = Path.Combine(Path.GetTempPath(), $"taxonomy-kmeans-{Guid.NewGuid():N}"));

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private string Manifest()
    {
        var path = Path.Combine(_folder, "m.json");
        File.WriteAllText(path, Manifests.AeKMeans().ToJsonString());
        return path;
    }

    [TestCase("minibatch")]
    [TestCase("sgd")]
    public void A_run_clusters_with_the_k_means_its_manifest_names(string algorithm)
    {
        var outDir = Path.Combine(_folder, "out");

        var (code, _, error) = CliRunner.Run("run", Manifest(), "--out", outDir, "--set", "schedule.epochs=2",
            "--set", $"kmeans.algorithm={algorithm}", "--set", "kmeans.batchSize=64");

        Assert.That(code, Is.EqualTo(0), error);
        var result = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "result.json")))!;
        Assert.That(result["effectiveManifest"]!["kmeans"]!["algorithm"]!.GetValue<string>(), Is.EqualTo(algorithm));
        Assert.That(result["effectiveManifest"]!["kmeans"]!["batchSize"]!.GetValue<int>(), Is.EqualTo(64));
        Assert.That(result["metrics"]!["acc"]!.GetValue<double>(), Is.GreaterThan(0.5), "blobs are easy for any k-means");
    }

    [Test]
    public void An_unknown_k_means_is_refused_before_any_data_is_read()
    {
        var (code, _, error) = CliRunner.Run("validate", Manifest(), "--set", "kmeans.algorithm=elkan");

        Assert.That(code, Is.EqualTo(2));
        Assert.That(error.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(error, Does.Contain("kmeans.algorithm"));
    }
}
