using System.Text.Json.Nodes;
using Taxonomy.Abstractions.Training;
using Taxonomy.Host.Composition;
using Taxonomy.Host.Manifest;
using Taxonomy.Host.Running;
using Taxonomy.Host.Training;
using Taxonomy.Tests.Data;
using Taxonomy.Tests.TestSupport;

namespace Taxonomy.Tests.Training;

[TestFixture]
[NonParallelizable]
public sealed class PretrainingCacheTests
{
    private string _cache = null!;
    private string? _previous;

    [SetUp]
    public void UseTemporaryCache()
    {
        _cache = Path.Combine(Path.GetTempPath(), $"taxonomy-cache-{Guid.NewGuid():N}");
        _previous = Environment.GetEnvironmentVariable("TAXONOMY_CACHE");
        Environment.SetEnvironmentVariable("TAXONOMY_CACHE", _cache);
    }

    [TearDown]
    public void RestoreCache()
    {
        Environment.SetEnvironmentVariable("TAXONOMY_CACHE", _previous);
        if (Directory.Exists(_cache))
        {
            Directory.Delete(_cache, recursive: true);
        }
    }

    private static (RunResult Result, string Log) Run(JsonObject manifest, string? saveBranchTo = null, params string[] overrides) =>
        Run(manifest, saveBranchTo, epochLimit: null, overrides);

    private static (RunResult Result, string Log) Run(JsonObject manifest, string? saveBranchTo, int? epochLimit, params string[] overrides)
    {
        var services = Manifests.Services();
        var method = services.Loader.Load(ManifestDocument.Parse(manifest.ToJsonString(), Manifests.File), overrides);
        var log = new StringWriter();
        return (Manifests.Runner(log).Run(method, saveBranchTo, epochLimit), log.ToString());
    }

    private static JsonObject Cached()
    {
        var manifest = Manifests.AeKMeans();
        manifest["pretrainingCache"] = true;
        manifest["data"]!["spread"] = 6.0;
        return manifest;
    }

    [Test]
    public void A_second_run_loads_pretraining_from_the_cache_and_gives_the_same_result()
    {
        var (first, firstLog) = Run(Cached());
        var (second, secondLog) = Run(Cached());

        Assert.That(firstLog, Does.Contain("saved to the pre-training cache"));
        Assert.That(secondLog, Does.Contain("loaded from the pre-training cache"));
        Assert.That(second.Phases[0].EpochsRun, Is.EqualTo(0));
        Assert.That(second.Phases[0].LoadedFrom, Does.StartWith(_cache));
        Assert.That(second.Assignments, Is.EqualTo(first.Assignments));
    }

    [Test]
    public void A_pretraining_cut_short_by_an_epoch_limit_is_not_cached()
    {
        var (_, limitedLog) = Run(Cached(), saveBranchTo: null, epochLimit: 1);
        var (full, fullLog) = Run(Cached());

        Assert.That(limitedLog, Does.Not.Contain("saved to the pre-training cache"));
        Assert.That(fullLog, Does.Not.Contain("loaded from the pre-training cache"));
        Assert.That(full.Phases[0].EpochsRun, Is.GreaterThan(1));
    }

    [Test]
    public void Anything_that_changes_pretraining_misses_the_cache()
    {
        Run(Cached());
        var (_, otherSeed) = Run(Cached(), null, "seed=9");
        var (_, otherDims) = Run(Cached(), null, "branch.dims=[16,4]");
        var (_, otherEpochs) = Run(Cached(), null, "schedule.epochs=4");
        var (_, otherPostClustering) = Run(Cached(), null, "postClustering.restarts=5");
        var (_, otherThreads) = Run(Cached(), null, $"threads={(Environment.ProcessorCount == 1 ? 2 : 1)}");

        Assert.That(otherSeed, Does.Contain("saved to the pre-training cache"));
        Assert.That(otherDims, Does.Contain("saved to the pre-training cache"));
        Assert.That(otherEpochs, Does.Contain("saved to the pre-training cache"));
        Assert.That(otherThreads, Does.Contain("saved to the pre-training cache"), "the thread count changes the weights");
        Assert.That(otherPostClustering, Does.Contain("loaded from the pre-training cache"),
            "post-clustering does not change pre-training");
    }

    [Test]
    public void Saved_branch_weights_can_start_a_later_run()
    {
        var weights = Path.Combine(_cache, "saved", "branch.pt");
        var (trained, _) = Run(Cached(), weights);
        var manifest = Cached();
        manifest["pretrainingCache"] = false;
        manifest["branch"]!["weights"] = weights;
        manifest["schedule"]!["epochs"] = 0;
        var (resumed, log) = Run(manifest);

        Assert.That(log, Does.Contain($"branch: starting from {weights}"));
        Assert.That(resumed.Assignments, Is.EqualTo(trained.Assignments));
    }

    [Test]
    public void Weights_of_another_shape_are_rejected_naming_the_tensor()
    {
        var weights = Path.Combine(_cache, "saved", "branch.pt");
        Run(Cached(), weights);
        var manifest = Cached();
        manifest["branch"]!["dims"] = new JsonArray(16, 4);
        manifest["branch"]!["weights"] = weights;

        var error = Assert.Throws<ManifestException>(() => Run(manifest))!;
        Assert.That(error.Message, Does.StartWith($"{Manifests.File}: branch ('mlp-autoencoder'): weights file '{weights}' has '"));
        Assert.That(error.Message, Does.Contain("of shape [32, 8], but this branch needs [16, 8]: it was saved for another architecture or data shape."));
    }

    [Test]
    public void A_missing_weights_file_is_named()
    {
        var manifest = Cached();
        manifest["branch"]!["weights"] = "/no/such/branch.pt";
        var error = Assert.Throws<ManifestException>(() => Run(manifest))!;
        Assert.That(error.Message, Is.EqualTo($"{Manifests.File}: branch ('mlp-autoencoder'): weights file '/no/such/branch.pt' not found."));
    }

    // Running the family's manifests in a row must pre-train once, so their branches (LeakyReLU(0.01) hidden layers),
    // data, preprocessing, reconstruction and pre-training optimiser must not drift apart.
    [Test]
    public void The_shipped_autoencoder_family_shares_one_pretrained_network()
    {
        string[] family = ["ae-kmeans", "ae-ward", "ae-gmm", "dec", "idec", "dcn", "dkm", "dipdeck", "deepect"];
        string[] augmented = ["ae-kmeans-da", "dec-da", "idec-da"];

        var plain = family.ToDictionary(m => m, ShippedPretrainingFile);
        var da = augmented.ToDictionary(m => m, ShippedPretrainingFile);

        Assert.That(plain.Values.Distinct(), Has.Exactly(1).Items, string.Join("\n", plain));
        Assert.That(da.Values.Distinct(), Has.Exactly(1).Items, string.Join("\n", da));
        Assert.That(da["dec-da"], Is.Not.EqualTo(plain["dec"]), "the augmented pre-training is a network of its own");
    }

    private string ShippedPretrainingFile(string manifest)
    {
        var services = Manifests.Services(PluginFiles.Folder(PluginFiles.GmmFolder));
        return CacheFile(services.Loader.Load(Path.Combine(TestPaths.RepositoryRoot, "manifests", manifest + ".json"), []));
    }

    [Test]
    public void Each_split_of_an_idx_folder_has_its_own_key_and_test_shares_the_t10k_key()
    {
        using var data = new TempFolder();
        TestFiles.WriteTrainAndT10k(data.Path);
        string Key(string split)
        {
            var manifest = Manifests.AeKMeans();
            manifest["data"] = new JsonObject { ["source"] = data.Path, ["split"] = split };
            return CacheFile(Manifests.Services().Loader.Load(ManifestDocument.Parse(manifest.ToJsonString(), Manifests.File), []));
        }

        var (all, train, t10k, test) = (Key("all"), Key("train"), Key("t10k"), Key("test"));

        Assert.That(new[] { all, train, t10k }.Distinct(), Has.Exactly(3).Items, "the folder's contents are the same for every split");
        Assert.That(test, Is.EqualTo(t10k), "test reads the t10k part");
        Assert.That(Path.GetFileName(train), Does.StartWith($"mlp-autoencoder-{Path.GetFileName(data.Path)}-train-"));
        Assert.That(Path.GetFileName(t10k), Does.StartWith($"mlp-autoencoder-{Path.GetFileName(data.Path)}-t10k-"));
        Assert.That(Path.GetFileName(all), Does.Not.Contain("-all-"));
    }

    [Test]
    public void A_generated_set_is_keyed_with_the_product_version_and_a_file_by_its_contents_alone()
    {
        var digits = Manifests.Services().Loader.Load(ManifestDocument.Parse(Manifests.AeKMeans().ToJsonString(), Manifests.File), []);
        Assert.That(CacheFile(digits, "9.9.9"), Is.Not.EqualTo(CacheFile(digits, "9.9.8")),
            "a release whose generator changed must not read an older release's entries");

        using var data = new TempFolder();
        TestFiles.WriteTrainAndT10k(data.Path);
        var manifest = Manifests.AeKMeans();
        manifest["data"] = new JsonObject { ["source"] = data.Path };
        var folder = Manifests.Services().Loader.Load(ManifestDocument.Parse(manifest.ToJsonString(), Manifests.File), []);
        Assert.That(CacheFile(folder, "9.9.9"), Is.EqualTo(CacheFile(folder, "9.9.8")), "a file's contents are its key");
    }

    private string CacheFile(MethodDefinition method, string? productVersion = null)
    {
        using var pipeline = Pipeline.Compose(method);
        var phase = pipeline.Schedule.Phases[0];
        Assert.That(phase.Kind, Is.EqualTo(PhaseKind.Pretraining), method.File);
        return new PretrainingCache(_cache, productVersion).PathFor(method, phase, method.Settings.Optimizer.For(phase.OptimizerKey))!;
    }
}
