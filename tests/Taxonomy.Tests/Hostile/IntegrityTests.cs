using System.Text.Json.Nodes;
using Taxonomy.Host.Training;
using Taxonomy.Tests.TestSupport;

namespace Taxonomy.Tests.Hostile;

/// <summary>
/// Shared ground of the integrity tests: a folder of their own, a pre-training cache of their own, and the command line
/// run as a user runs it (one thread, the tiny AE + k-means of <see cref="Manifests.AeKMeans"/>).
/// </summary>
public abstract class IntegrityFixture
{
    private string? _previousCache;

    protected string Folder { get; private set; } = null!;

    protected string Cache { get; private set; } = null!;

    protected string Entries => Path.Combine(Cache, "pretrained");

    [SetUp]
    public void UseOwnFolders()
    {
        Folder = Path.Combine(Path.GetTempPath(), $"taxonomy-integrity-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Folder);
        Cache = Path.Combine(Folder, "cache");
        _previousCache = Environment.GetEnvironmentVariable("TAXONOMY_CACHE");
        Environment.SetEnvironmentVariable("TAXONOMY_CACHE", Cache);
    }

    [TearDown]
    public void RemoveThem()
    {
        Environment.SetEnvironmentVariable("TAXONOMY_CACHE", _previousCache);
        Directory.Delete(Folder, recursive: true);
    }

    protected static JsonObject Manifest(bool cache = false)
    {
        var manifest = Manifests.AeKMeans();
        manifest["pretrainingCache"] = cache;
        manifest["threads"] = 1;
        return manifest;
    }

    protected string Write(JsonObject manifest, string name = "m.json")
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, manifest.ToJsonString());
        return path;
    }

    /// <summary>`taxonomy run` of the manifest into a fresh output folder of the test.</summary>
    protected (int Code, string Out, string Error, string Directory) Run(JsonObject manifest, params string[] extra)
    {
        var output = Path.Combine(Folder, $"run-{Guid.NewGuid():N}");
        var (code, stdout, stderr) = CliRunner.Run(["run", Write(manifest), "--out", output, .. extra]);
        return (code, stdout, stderr, output);
    }

    /// <summary>The branch.pt (and its sidecar) a run of the manifest wrote, copied into a folder of its own.</summary>
    protected string TrainedWeights(JsonObject manifest, string name)
    {
        var run = Run(manifest);
        Assert.That(run.Code, Is.EqualTo(0), run.Error);
        var folder = Directory.CreateDirectory(Path.Combine(Folder, name)).FullName;
        var weights = Path.Combine(folder, "branch.pt");
        File.Copy(Path.Combine(run.Directory, "branch.pt"), weights);
        File.Copy(Path.Combine(run.Directory, "branch.pt.json"), weights + ".json");
        return weights;
    }

    /// <summary>Exit code 2 and exactly one line on standard error, "error: " and the expected text.</summary>
    protected static void AssertOneLineError((int Code, string Out, string Error, string Directory) run, string expected)
    {
        Assert.That(run.Code, Is.EqualTo(2), run.Error);
        var lines = run.Error.TrimEnd().Split('\n');
        Assert.That(lines, Has.Length.EqualTo(1), run.Error);
        Assert.That(lines[0], Does.StartWith("error: ").And.Contain(expected));
    }

    /// <summary>Every file under a folder with its bytes, to show a command left it as it was.</summary>
    protected static Dictionary<string, string> Snapshot(string folder) => Directory.Exists(folder)
        ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => f, f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))))
        : [];
}

/// <summary>A `branch.weights` file that is damaged, or made for another branch, is one line naming the file; nothing is trained.</summary>
[TestFixture]
[NonParallelizable]
public sealed class BranchWeightsIntegrityTests : IntegrityFixture
{
    private static JsonObject StartingFrom(string weights)
    {
        var manifest = Manifest();
        manifest["branch"]!["weights"] = weights;
        return manifest;
    }

    /// <summary>Whether the run got as far as reading the data (its first log line names the sample shape).</summary>
    private static bool ReadTheData(string output) => output.Contains("sample shape");

    [Test]
    public void A_truncated_weights_file_is_refused_before_the_data_is_loaded()
    {
        var weights = TrainedWeights(Manifest(), "w");
        var size = new FileInfo(weights).Length;
        using (var file = File.OpenWrite(weights))
        {
            file.SetLength(size / 2);
        }

        var run = Run(StartingFrom(weights));

        AssertOneLineError(run, $"{Path.Combine(Folder, "m.json")}: branch ('mlp-autoencoder'): weights file '{weights}' is {size / 2} bytes, " +
                                $"but its sidecar 'branch.pt.json' says {size}: it was cut short or changed after it was saved.");
        Assert.That(ReadTheData(run.Out), Is.False, run.Out);
    }

    [Test]
    public void An_emptied_weights_file_is_refused_naming_it()
    {
        var weights = TrainedWeights(Manifest(), "w");
        File.WriteAllBytes(weights, []);

        var run = Run(StartingFrom(weights));

        AssertOneLineError(run, $"weights file '{weights}' is empty (0 bytes).");
        Assert.That(ReadTheData(run.Out), Is.False, run.Out);
    }

    [Test]
    public void A_weights_file_changed_in_place_fails_its_checksum()
    {
        var weights = TrainedWeights(Manifest(), "w");
        var bytes = File.ReadAllBytes(weights);
        bytes[^3] ^= 0x40;   // one bit of the last tensor: same size, same layout, other values
        File.WriteAllBytes(weights, bytes);

        var run = Run(StartingFrom(weights));

        AssertOneLineError(run, $"weights file '{weights}' does not match the SHA-256 checksum in its sidecar 'branch.pt.json': " +
                                "it was damaged or changed after it was saved.");
        Assert.That(ReadTheData(run.Out), Is.False, run.Out);
    }

    [TestCase("missing", "has no 'branch.pt.json' beside it listing its checksum and shapes; only files saved by taxonomy can be loaded.")]
    [TestCase("empty", "its sidecar 'branch.pt.json' cannot be read (it is empty); it was damaged, or the file was not saved by taxonomy.")]
    [TestCase("garbage", "its sidecar 'branch.pt.json' cannot be read (")]
    [TestCase("cut", "its sidecar 'branch.pt.json' cannot be read (")]
    [TestCase("other checksum", "does not match the SHA-256 checksum in its sidecar 'branch.pt.json'")]
    [TestCase("no checksum", "its sidecar 'branch.pt.json' cannot be read (its \"sha256\" is not 64 hexadecimal digits)")]
    public void A_damaged_sidecar_is_refused_naming_the_weights_file(string damage, string expected)
    {
        var weights = TrainedWeights(Manifest(), "w");
        var sidecar = weights + ".json";
        var text = File.ReadAllText(sidecar);
        var json = JsonNode.Parse(text)!.AsObject();
        switch (damage)
        {
            case "missing": File.Delete(sidecar); break;
            case "empty": File.WriteAllText(sidecar, ""); break;
            case "garbage": File.WriteAllBytes(sidecar, [0x8b, 0x1f, 0x00, 0x7f]); break;
            case "cut": File.WriteAllText(sidecar, text[..(text.Length / 2)]); break;
            case "other checksum": json["sha256"] = new string('0', 64); File.WriteAllText(sidecar, json.ToJsonString()); break;
            case "no checksum": json.Remove("sha256"); File.WriteAllText(sidecar, json.ToJsonString()); break;
        }

        var run = Run(StartingFrom(weights));

        AssertOneLineError(run, $"weights file '{weights}'");
        Assert.That(run.Error, Does.Contain(expected));
        Assert.That(ReadTheData(run.Out), Is.False, run.Out);
    }

    [Test]
    public void Weights_of_another_architecture_are_refused_after_the_branch_is_built_and_before_training()
    {
        var smaller = Manifest();
        smaller["branch"]!["dims"] = new JsonArray(16, 4);
        var weights = TrainedWeights(smaller, "w");

        var run = Run(StartingFrom(weights));

        AssertOneLineError(run, $"branch ('mlp-autoencoder'): weights file '{weights}' has '");
        Assert.That(run.Error, Does.Contain("of shape [16, 8], but this branch needs [32, 8]: it was saved for another architecture or data shape."));
        Assert.That(run.Out, Does.Not.Contain("[pretrain]"), "no phase started");
    }

    [Test]
    public void A_sidecar_of_the_first_format_still_loads_and_its_truncated_file_is_refused_before_torchsharp_reads_it()
    {
        var weights = TrainedWeights(Manifest(), "w");
        var sidecar = JsonNode.Parse(File.ReadAllText(weights + ".json"))!.AsObject();
        File.WriteAllText(weights + ".json", new JsonObject { ["tensors"] = sidecar["tensors"]!.DeepClone() }.ToJsonString());
        var resume = StartingFrom(weights);
        resume["schedule"]!["epochs"] = 0;

        var loaded = Run(resume);
        using (var file = File.OpenWrite(weights))
        {
            file.SetLength(file.Length - 10);
        }
        var truncated = Run(resume);

        Assert.That(loaded.Code, Is.EqualTo(0), loaded.Error);
        Assert.That(loaded.Out, Does.Contain($"branch: starting from {weights}"));
        AssertOneLineError(truncated, $"weights file '{weights}' is truncated (tensor '");
    }

    [Test]
    public void A_file_that_is_not_a_weights_file_is_refused_even_with_a_matching_checksum()
    {
        var weights = TrainedWeights(Manifest(), "w");
        var garbage = new byte[new FileInfo(weights).Length];
        new Random(1).NextBytes(garbage);
        garbage[0] = 0x05;   // five tensors, then noise
        File.WriteAllBytes(weights, garbage);
        var sidecar = JsonNode.Parse(File.ReadAllText(weights + ".json"))!.AsObject();
        sidecar["sha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(garbage));
        File.WriteAllText(weights + ".json", sidecar.ToJsonString());

        var run = Run(StartingFrom(weights));

        Assert.That(run.Code, Is.EqualTo(2), run.Error);
        Assert.That(run.Error.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(run.Error, Does.Match($"weights file '{System.Text.RegularExpressions.Regex.Escape(weights)}' is (truncated|not a weights file saved by taxonomy, or is corrupt)"));
    }

    [Test]
    public void An_empty_weights_setting_is_named()
    {
        var run = Run(StartingFrom(" "));

        AssertOneLineError(run, $"{Path.Combine(Folder, "m.json")}: branch.weights is empty: give a weights file a run saved (its branch.pt), or leave it out.");
    }

    [Test]
    public void A_folder_given_as_weights_is_refused_naming_it()
    {
        var folder = Directory.CreateDirectory(Path.Combine(Folder, "weights-folder")).FullName;

        var run = Run(StartingFrom(folder));

        AssertOneLineError(run, $"weights file '{folder}' is a folder; give the .pt file saved by a run (e.g. runs/NAME/branch.pt).");
    }

    [Test]
    public void A_pipe_given_as_weights_is_refused_without_waiting_for_a_writer()
    {
        var weights = TrainedWeights(Manifest(), "w");
        File.Delete(weights);
        System.Diagnostics.Process.Start("mkfifo", weights).WaitForExit();

        var task = Task.Run(() => Run(StartingFrom(weights)));

        Assert.That(task.Wait(TimeSpan.FromSeconds(60)), Is.True, "the run returned");
        AssertOneLineError(task.Result, $"weights file '{weights}' is empty (0 bytes).");
    }

    [Test]
    public void A_failing_torchsharp_reader_is_one_message_and_leaves_the_module_as_it_was()
    {
        using var module = TorchSharp.torch.nn.Linear(3, 2);
        var before = module.weight!.data<float>().ToArray();
        var tensors = new[] { new StoredTensor("weight", TorchSharp.torch.ScalarType.Float32, [2, 3]) };
        var bytes = new byte[] { 2, 6, (byte)'w' };   // says two tensors, holds a fragment of one
        var weights = new VerifiedWeights("fake.pt", bytes, tensors, checksummed: true);

        var error = Assert.Throws<DamagedWeightsException>(() => BranchWeights.LoadVerified(module, weights))!;

        Assert.That(error.Message, Does.StartWith("weights file 'fake.pt' could not be loaded: "));
        Assert.That(module.weight!.data<float>().ToArray(), Is.EqualTo(before));
    }

    [Test]
    public void Saves_of_the_same_file_at_once_never_collide_and_leave_a_verified_file()
    {
        var path = Path.Combine(Folder, "shared", "branch.pt");
        using var module = TorchSharp.torch.nn.Linear(8, 4);

        Parallel.For(0, 8, _ => BranchWeights.Save(module, path));

        Assert.That(BranchWeights.Verify(path, requireChecksum: true).Checksummed, Is.True);
        Assert.That(Directory.EnumerateFiles(Path.Combine(Folder, "shared")).Select(Path.GetFileName),
            Is.EquivalentTo(new[] { "branch.pt", "branch.pt.json" }), "no temporary file is left");
    }

    [Test]
    public void The_shipped_case_study_network_verifies_and_loads_into_its_manifests_branch_without_the_data()
    {
        var shipped = Path.Combine(TestPaths.RepositoryRoot, "data", "pretrained", "conv-case-study-fashion-mnist-seed0.pt");
        var services = Manifests.Services();
        var method = services.Loader.Load(Path.Combine(TestPaths.RepositoryRoot, "manifests", "conv-case-study.json"), []);
        using var pipeline = Taxonomy.Host.Composition.Pipeline.Compose(method);
        pipeline.Branch.Build([1, 28, 28], clusters: 10);

        var verified = BranchWeights.Verify(shipped, requireChecksum: true);
        BranchWeights.Load(pipeline.Branch.Module, shipped);

        Assert.That(verified.Checksummed, Is.True, "the shipped sidecar carries the checksum");
        Assert.That(verified.Tensors, Has.Count.EqualTo(pipeline.Branch.Module.state_dict().Count));
    }
}

/// <summary>
/// A pre-training cache entry is used only when it verifies; any other is a miss that is logged, trained afresh and
/// replaced. A cache folder that cannot hold entries is one line before anything is read.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class PretrainingCacheIntegrityTests : IntegrityFixture
{
    private string OnlyEntry()
    {
        var entries = Directory.GetFiles(Entries, "*.pt");
        Assert.That(entries, Has.Length.EqualTo(1), string.Join(", ", entries));
        return entries[0];
    }

    private static string Assignments(string runDirectory) => File.ReadAllText(Path.Combine(runDirectory, "assignments.csv"));

    [TestCase("truncated", "truncated")]
    [TestCase("emptied", "empty")]
    [TestCase("same-size garbage", "checksum mismatch")]
    [TestCase("sidecar missing", "no sidecar")]
    [TestCase("sidecar emptied", "unreadable sidecar")]
    [TestCase("another architecture", "another architecture")]
    [TestCase("weights missing", "weights file missing")]
    public void A_damaged_entry_is_a_logged_miss_retrained_to_the_fresh_result_and_replaced(string damage, string reason)
    {
        var fresh = Run(Manifest(cache: true));
        Assert.That(fresh.Out, Does.Contain("saved to the pre-training cache"), fresh.Error);
        var entry = OnlyEntry();
        switch (damage)
        {
            case "truncated":
                using (var file = File.OpenWrite(entry)) { file.SetLength(file.Length - 100); }
                break;
            case "emptied": File.WriteAllBytes(entry, []); break;
            case "same-size garbage":
                var garbage = new byte[new FileInfo(entry).Length];
                new Random(7).NextBytes(garbage);
                File.WriteAllBytes(entry, garbage);
                break;
            case "sidecar missing": File.Delete(entry + ".json"); break;
            case "sidecar emptied": File.WriteAllText(entry + ".json", ""); break;
            case "weights missing": File.Delete(entry); break;
            case "another architecture":
                // A well-formed entry of a [16, 4] autoencoder under this key, as a hand-copied file would be.
                var smaller = Manifest();
                smaller["branch"]!["dims"] = new JsonArray(16, 4);
                var other = TrainedWeights(smaller, "other");
                File.Copy(other, entry, overwrite: true);
                File.Copy(other + ".json", entry + ".json", overwrite: true);
                break;
        }

        var again = Run(Manifest(cache: true));

        Assert.That(again.Code, Is.EqualTo(0), again.Error);
        Assert.That(again.Out, Does.Contain($"[pretrain] cache entry {entry} is damaged ({reason}); training afresh"));
        Assert.That(again.Out, Does.Contain($"[pretrain] saved to the pre-training cache: {entry}"));
        Assert.That(Assignments(again.Directory), Is.EqualTo(Assignments(fresh.Directory)), "trained as if the entry had never been there");
        Assert.That(BranchWeights.Verify(entry, requireChecksum: true).Checksummed, Is.True, "the entry was replaced by a good one");
        Assert.That(Directory.GetFiles(Entries), Has.Length.EqualTo(2), "no temporary file is left beside the entry");
        var third = Run(Manifest(cache: true));
        Assert.That(third.Out, Does.Contain($"loaded from the pre-training cache: {entry}"));
    }

    [Test]
    public void Runs_filling_the_same_entry_at_once_all_finish_and_leave_one_good_entry()
    {
        (Taxonomy.Host.Running.RunResult Result, string Log) RunInProcess()
        {
            var services = Manifests.Services();
            var method = services.Loader.Load(Taxonomy.Host.Manifest.ManifestDocument.Parse(Manifest(cache: true).ToJsonString(), Manifests.File), []);
            var log = new StringWriter();
            return (services.Runner(log).Run(method), log.ToString());
        }

        // Whether they overlap is up to the scheduler; whatever the order, none may fail or leave a bad entry.
        var runs = Enumerable.Range(0, 4).Select(_ => Task.Run(RunInProcess)).ToArray();
        Task.WaitAll(runs);
        var later = RunInProcess();

        Assert.That(runs.Select(r => r.Result.Log), Has.Some.Contain("[pretrain] saved to the pre-training cache"));
        Assert.That(runs.Select(r => r.Result.Log), Has.None.Contain("could not save"));
        Assert.That(later.Log, Does.Contain($"loaded from the pre-training cache: {OnlyEntry()}"));
        Assert.That(Directory.GetFiles(Entries), Has.Length.EqualTo(2), "the entry and its sidecar, no temporary file");
    }

    [Test]
    public void An_entry_another_run_is_writing_is_left_to_it()
    {
        Run(Manifest(cache: true));
        var entry = OnlyEntry();
        File.Delete(entry);
        File.Delete(entry + ".json");
        using var held = new FileStream(Path.Combine(Cache, "locks", Path.GetFileName(entry) + ".lock"),
            FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

        var run = Run(Manifest(cache: true));

        Assert.That(run.Code, Is.EqualTo(0), run.Error);
        Assert.That(run.Out, Does.Contain("[pretrain] not saved to the pre-training cache: another run is saving the same entry"));
        Assert.That(Directory.GetFiles(Entries), Is.Empty, "the holder's files are not touched");
    }

    [Test]
    public void A_cache_folder_that_is_a_file_is_one_line_before_the_data_is_read()
    {
        File.WriteAllText(Cache, "not a folder");

        var run = Run(Manifest(cache: true));

        AssertOneLineError(run, $"pre-training cache folder '{Cache}' is a file, not a folder; set TAXONOMY_CACHE to a writable folder, " +
                                "or run with --set pretrainingCache=false.");
        Assert.That(run.Out, Does.Not.Contain("sample shape"));
        Assert.That(File.ReadAllText(Cache), Is.EqualTo("not a folder"), "the file is left alone");
    }

    [Test]
    public void A_cache_folder_that_cannot_be_created_is_one_line_naming_it()
    {
        File.WriteAllText(Cache, "not a folder");
        var below = Path.Combine(Cache, "below");
        Environment.SetEnvironmentVariable("TAXONOMY_CACHE", below);

        var run = Run(Manifest(cache: true));

        AssertOneLineError(run, $"pre-training cache folder '{below}' cannot hold entries: '{Cache}' is a file; " +
                                "set TAXONOMY_CACHE to a writable folder, or run with --set pretrainingCache=false.");
    }

    [Test]
    public void A_file_where_the_entries_folder_belongs_is_named()
    {
        Directory.CreateDirectory(Cache);
        File.WriteAllText(Entries, "");

        var run = Run(Manifest(cache: true));

        AssertOneLineError(run, $"pre-training cache folder '{Cache}' cannot hold entries: '{Entries}' is a file; ");
    }

    [Test]
    public void Temporary_files_of_killed_writers_are_removed_once_a_day_old_and_fresh_ones_are_left_alone()
    {
        Directory.CreateDirectory(Entries);
        var abandoned = Path.Combine(Entries, "mlp-autoencoder-blobs-0123.pt.1234-abandoned.partial");
        var live = Path.Combine(Entries, "mlp-autoencoder-blobs-4567.pt.1234-live.partial");
        File.WriteAllText(abandoned, "");
        File.WriteAllText(live, "");
        File.SetLastWriteTimeUtc(abandoned, DateTime.UtcNow.AddDays(-2));

        var run = Run(Manifest(cache: true));

        Assert.That(run.Code, Is.EqualTo(0), run.Error);
        Assert.That(File.Exists(abandoned), Is.False);
        Assert.That(File.Exists(live), Is.True);
    }

    [Test]
    public void A_broken_cache_folder_does_not_stop_a_run_that_does_not_use_the_cache()
    {
        File.WriteAllText(Cache, "not a folder");

        var run = Run(Manifest(cache: false));

        Assert.That(run.Code, Is.EqualTo(0), run.Error);
    }

    private string WriteCsv(string name, bool reversed = false)
    {
        var random = new Random(5);
        var rows = Enumerable.Range(0, 160).Select(i =>
        {
            var label = i % 4;
            var values = Enumerable.Range(0, 6).Select(d => (label * 3 + (d == label ? 4 : 0) + random.NextDouble()).ToString("F3",
                System.Globalization.CultureInfo.InvariantCulture));
            return string.Join(",", values.Append(label.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }).ToList();
        if (reversed)
        {
            rows.Reverse();
        }
        var path = Path.Combine(Folder, name);
        File.WriteAllLines(path, rows);
        return path;
    }

    private static JsonObject OnCsv(string path)
    {
        var manifest = Manifest(cache: true);
        manifest["data"] = new JsonObject { ["source"] = path };
        return manifest;
    }

    [Test]
    public void Editing_a_csv_in_place_to_the_same_size_misses_the_cache()
    {
        var csv = WriteCsv("data.csv");
        File.SetLastWriteTimeUtc(csv, DateTime.UtcNow.AddHours(-1));   // settled: its hash is remembered
        var first = Run(OnCsv(csv));
        var size = new FileInfo(csv).Length;

        WriteCsv("data.csv", reversed: true);
        var edited = Run(OnCsv(csv));

        Assert.That(first.Out, Does.Contain("saved to the pre-training cache"), first.Error);
        Assert.That(new FileInfo(csv).Length, Is.EqualTo(size), "the edit keeps the size");
        Assert.That(edited.Out, Does.Not.Contain("loaded from the pre-training cache"));
        Assert.That(edited.Out, Does.Contain("saved to the pre-training cache"));
        Assert.That(Directory.GetFiles(Entries, "*.pt"), Has.Length.EqualTo(2));
    }

    [Test]
    public void The_same_csv_contents_at_another_path_load_from_the_cache()
    {
        var csv = WriteCsv("data.csv");
        var copy = Path.Combine(Directory.CreateDirectory(Path.Combine(Folder, "elsewhere")).FullName, "data.csv");
        File.Copy(csv, copy);

        var first = Run(OnCsv(csv));
        var moved = Run(OnCsv(copy));

        Assert.That(first.Out, Does.Contain("saved to the pre-training cache"), first.Error);
        Assert.That(moved.Out, Does.Contain("loaded from the pre-training cache"), moved.Error);
    }

    [Test]
    public void A_settled_files_hash_is_remembered_by_path_size_and_modification_time()
    {
        var csv = WriteCsv("data.csv");
        File.SetLastWriteTimeUtc(csv, DateTime.UtcNow.AddHours(-1));
        var hashes = new ContentHash(Cache);

        var first = hashes.Of(csv);
        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(Cache, "content-hashes.json")))!.AsObject();
        index[Path.GetFullPath(csv)]!["sha256"] = "remembered";
        File.WriteAllText(Path.Combine(Cache, "content-hashes.json"), index.ToJsonString());
        var second = hashes.Of(csv);
        File.SetLastWriteTimeUtc(csv, DateTime.UtcNow.AddHours(-2));
        var touched = hashes.Of(csv);

        Assert.That(first, Has.Length.EqualTo(64));
        Assert.That(second, Is.EqualTo("remembered"), "the file is not read again while path, size and time are the same");
        Assert.That(touched, Is.EqualTo(first), "another modification time hashes the file again");
    }

    [Test]
    public void A_damaged_hash_index_is_only_a_lost_memo()
    {
        var csv = WriteCsv("data.csv");
        File.SetLastWriteTimeUtc(csv, DateTime.UtcNow.AddHours(-1));
        var expected = new ContentHash(Cache).Of(csv);
        File.WriteAllText(Path.Combine(Cache, "content-hashes.json"), "{\"" + Path.GetFullPath(csv).Replace("\\", "/") + "\": {\"stamp\": 7, ");

        var hash = new ContentHash(Cache).Of(csv);

        Assert.That(hash, Is.EqualTo(expected));
        Assert.That(JsonNode.Parse(File.ReadAllText(Path.Combine(Cache, "content-hashes.json"))), Is.Not.Null, "rewritten whole");
    }

    [Test]
    public void A_file_written_just_now_is_hashed_but_not_remembered()
    {
        var csv = WriteCsv("data.csv");

        var hash = new ContentHash(Cache).Of(csv);

        Assert.That(hash, Has.Length.EqualTo(64));
        Assert.That(File.Exists(Path.Combine(Cache, "content-hashes.json")), Is.False,
            "a same-size edit within the same timestamp tick would otherwise keep the old hash");
    }

    [Test]
    public void A_folders_hash_changes_with_any_of_its_files_and_a_pipe_cannot_be_hashed()
    {
        var folder = Directory.CreateDirectory(Path.Combine(Folder, "idx")).FullName;
        File.WriteAllBytes(Path.Combine(folder, "train-images-idx3-ubyte"), [1, 2, 3]);
        File.WriteAllBytes(Path.Combine(folder, "train-labels-idx1-ubyte"), [4, 5]);
        var hashes = new ContentHash(Cache);

        var before = hashes.Of(folder);
        File.WriteAllBytes(Path.Combine(folder, "train-labels-idx1-ubyte"), [4, 6]);
        var after = hashes.Of(folder);
        var pipe = Path.Combine(Folder, "pipe");
        System.Diagnostics.Process.Start("mkfifo", pipe).WaitForExit();

        var withPipe = Path.Combine(folder, "t10k-images-idx3-ubyte");
        System.Diagnostics.Process.Start("mkfifo", withPipe).WaitForExit();

        Assert.That(after, Is.Not.EqualTo(before));
        Assert.That(hashes.Of(pipe), Is.Null, "a pipe is never opened to be hashed");
        Assert.That(hashes.Of(folder), Is.Null, "nor is a folder holding one keyed without it");
    }

    [Test]
    public void Data_that_cannot_be_read_ahead_has_no_cache_entry()
    {
        var pipe = Path.Combine(Folder, "data.csv");
        System.Diagnostics.Process.Start("mkfifo", pipe).WaitForExit();
        var csv = WriteCsv("real.csv");
        var services = Manifests.Services();

        string? EntryFor(string source)
        {
            var method = services.Loader.Load(Taxonomy.Host.Manifest.ManifestDocument.Parse(OnCsv(source).ToJsonString(), Manifests.File), []);
            using var pipeline = Taxonomy.Host.Composition.Pipeline.Compose(method);
            var phase = pipeline.Schedule.Phases[0];
            return new PretrainingCache(Cache).PathFor(method, phase, method.Settings.Optimizer.For(phase.OptimizerKey));
        }

        Assert.That(EntryFor(csv), Does.StartWith(Entries));
        Assert.That(EntryFor(pipe), Is.Null, "a pipe's contents cannot key the cache without consuming them");
    }

    [Test]
    public void A_cache_that_cannot_take_the_entry_after_training_costs_the_run_nothing()
    {
        Directory.CreateDirectory(Entries);
        var first = Run(Manifest(cache: true));
        var entry = OnlyEntry();
        File.Delete(entry);
        Directory.CreateDirectory(entry);   // the entry's name is taken by a folder: it cannot be replaced

        var again = Run(Manifest(cache: true));

        Assert.That(again.Code, Is.EqualTo(0), again.Error);
        Assert.That(again.Out, Does.Contain("[pretrain] could not save to the pre-training cache ("));
        Assert.That(Assignments(again.Directory), Is.EqualTo(Assignments(first.Directory)));
    }
}

/// <summary>Quick tables and benchmarks cap the epochs, so they neither read the full pre-training nor store a shortened one.</summary>
[TestFixture]
[NonParallelizable]
public sealed class EpochLimitedRunsTests : IntegrityFixture
{
    private (int Code, string Out, string Error) Table1(int epochs)
    {
        var rows = Directory.CreateDirectory(Path.Combine(Folder, "rows")).FullName;
        File.WriteAllText(Path.Combine(rows, "ae.json"), Manifest(cache: true).ToJsonString());
        var table = Path.Combine(Folder, "table");
        var (code, output, error) = CliRunner.Run("table1", "--rows", rows, "--out", table, "--epochs", epochs.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // Each row runs in its own process, whose output is the row's log in the table's folder.
        return (code, output + string.Concat(Directory.EnumerateFiles(table, "*.log").Select(File.ReadAllText)), error);
    }

    [Test]
    public void Table1_with_an_epoch_limit_trains_instead_of_loading_the_cache_and_leaves_it_unchanged()
    {
        var fill = Run(Manifest(cache: true));
        Assert.That(fill.Out, Does.Contain("saved to the pre-training cache"), fill.Error);
        var before = Snapshot(Cache);

        var (code, output, error) = Table1(epochs: 2);

        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(output, Does.Contain("[pretrain] 5 epochs, "), "the phase is trained");
        Assert.That(output, Does.Not.Contain("pre-training cache"));
        Assert.That(Snapshot(Cache), Is.EqualTo(before));
    }

    [Test]
    public void Table1_with_a_limit_above_the_schedule_still_stores_nothing()
    {
        var (code, output, error) = Table1(epochs: 50);

        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(output, Does.Not.Contain("pre-training cache"));
        Assert.That(Snapshot(Cache), Is.Empty);
    }

    [Test]
    public void Bench_trains_instead_of_loading_the_cache_and_leaves_it_unchanged()
    {
        var fill = Run(Manifest(cache: true));
        Assert.That(fill.Out, Does.Contain("saved to the pre-training cache"), fill.Error);
        var before = Snapshot(Cache);

        var (code, output, error) = CliRunner.Run("bench", Write(Manifest(cache: true)), "--epochs", "2");

        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(output, Does.Match(@"pretrain\s+2\s"), "two epochs trained, not zero loaded");
        Assert.That(Snapshot(Cache), Is.EqualTo(before));
    }
}
