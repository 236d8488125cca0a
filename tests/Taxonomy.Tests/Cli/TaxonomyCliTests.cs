using System.Text.Json.Nodes;
using Taxonomy.Tests.TestSupport;

namespace Taxonomy.Tests.Cli;

[TestFixture]
[NonParallelizable]
public sealed class TaxonomyCliTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => Directory.CreateDirectory(_folder = Path.Combine(Path.GetTempPath(), $"taxonomy-cli-{Guid.NewGuid():N}"));

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private static (int Code, string Out, string Error) Cli(params string[] args) => CliRunner.Run(args);

    private string WriteManifest(JsonObject manifest)
    {
        var path = Path.Combine(_folder, "m.json");
        File.WriteAllText(path, manifest.ToJsonString());
        return path;
    }

    [Test]
    public void Run_prints_metrics_and_writes_result_and_assignments()
    {
        var outDir = Path.Combine(_folder, "out");
        var (code, output, _) = Cli("run", WriteManifest(Manifests.AeKMeans()), "--out", outDir, "--seed", "5", "--set", "schedule.epochs=3");

        Assert.That(code, Is.EqualTo(0));
        var last = output.TrimEnd().Split('\n')[^1];
        Assert.That(last, Does.StartWith("test AE+k-means on blobs (n=200, k=4, seed 5): ACC "));
        Assert.That(last, Does.Contain("NMI").And.Contain("ARI"));

        var result = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "result.json")))!;
        Assert.That(result["method"]!.GetValue<string>(), Is.EqualTo("test AE+k-means"));
        Assert.That(result["n"]!.GetValue<int>(), Is.EqualTo(200));
        Assert.That(result["seed"]!.GetValue<int>(), Is.EqualTo(5));
        Assert.That(result["metrics"]!["acc"]!.GetValue<double>(), Is.InRange(0.0, 1.0));
        Assert.That(result["phases"]![0]!["epochsRun"]!.GetValue<int>(), Is.EqualTo(3));
        Assert.That(result["effectiveManifest"]!["schedule"]!["epochs"]!.GetValue<int>(), Is.EqualTo(3));
        Assert.That(result["effectiveManifest"]!["branch"]!["activation"]!.GetValue<string>(), Is.EqualTo("relu"),
            "defaults appear in the echo");
        Assert.That(result["versions"]!["torchsharp"]!.GetValue<string>(), Does.StartWith("0.107"));

        var rows = File.ReadAllLines(Path.Combine(outDir, "assignments.csv"));
        Assert.That(rows[0], Is.EqualTo("index,cluster,label"));
        Assert.That(rows, Has.Length.EqualTo(201));
        Assert.That(Directory.GetFiles(outDir, "*.partial"), Is.Empty);
    }

    [Test]
    public void A_bad_manifest_exits_non_zero_with_one_clear_line_and_no_output_files()
    {
        var manifest = Manifests.AeKMeans();
        manifest["clusteringLoss"] = new JsonObject { ["type"] = "dec" };
        var outDir = Path.Combine(_folder, "out");
        var (code, _, error) = Cli("run", WriteManifest(manifest), "--out", outDir);

        Assert.That(code, Is.EqualTo(2));
        Assert.That(error.Trim(), Does.StartWith("error: ").And.Contain("clusteringLoss.type: unknown clusteringLoss 'dec'. Valid choices: "));
        Assert.That(Directory.Exists(outDir), Is.False);
    }

    [Test]
    public void A_missing_data_file_exits_non_zero_naming_the_path()
    {
        var (code, _, error) = Cli("run", WriteManifest(Manifests.AeKMeans()), "--data", "/no/such/data.csv");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("/no/such/data.csv"));
    }

    [Test]
    public void Validate_accepts_the_default_manifest()
    {
        var (code, output, _) = Cli("validate", Path.Combine(TestPaths.RepositoryRoot, "manifests", "ae-kmeans.json"));
        Assert.That(code, Is.EqualTo(0));
        Assert.That(output, Does.Contain("valid").And.Contain("branch ('mlp-autoencoder')"));
    }

    [Test]
    public void List_shows_every_role_with_blocks_options_and_defaults()
    {
        var (code, output, _) = Cli("list");
        Assert.That(code, Is.EqualTo(0));
        Assert.That(output, Does.Contain("clusteringLoss: the clustering loss"));
        Assert.That(output, Does.Contain("  mlp-autoencoder — "));
        Assert.That(output, Does.Contain("dims = [500, 500, 2000, 10]"));
        Assert.That(output, Does.Contain("metric = mse"));
    }

    [Test]
    public void An_unknown_command_line_option_fails()
    {
        var (code, _, _) = Cli("run", "m.json", "--sed", "1");
        Assert.That(code, Is.Not.EqualTo(0));
    }

    // The shipped autoencoder family uses LeakyReLU(0.01): its framework overhead must stay measurable.
    [TestCase("relu")]
    [TestCase("leaky-relu(0.01)")]
    public void Bench_prints_per_phase_timings_and_the_overhead_against_a_bare_loop(string activation)
    {
        var manifest = Manifests.AeKMeans();
        manifest["branch"]!["activation"] = activation;
        var (code, output, _) = Cli("bench", WriteManifest(manifest), "--epochs", "2");
        Assert.That(code, Is.EqualTo(0));
        Assert.That(output, Does.Contain("at most 2 epochs per phase"));
        Assert.That(output, Does.Match(@"pretrain\s+2\s+[0-9.]+\s+[0-9]+\s+[0-9]+ MB"));
        Assert.That(output, Does.Contain("bare TorchSharp loop").And.Contain("overhead"));
    }

    // The bare loop does no input masking: a denoising autoencoder's masking would be counted as framework overhead.
    [Test]
    public void Bench_gives_no_bare_loop_overhead_for_a_denoising_autoencoder()
    {
        var manifest = Manifests.AeKMeans();
        manifest["branch"]!["inputDropout"] = 0.2;
        var (code, output, _) = Cli("bench", WriteManifest(manifest), "--epochs", "1");
        Assert.That(code, Is.EqualTo(0));
        Assert.That(output, Does.Contain("bare-loop baseline: only for").And.Not.Contain("overhead"));
    }
}
