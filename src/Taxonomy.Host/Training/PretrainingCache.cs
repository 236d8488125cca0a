using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using TorchSharp;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Data;
using Taxonomy.Host.Manifest;

namespace Taxonomy.Host.Training;

/// <summary>
/// Pre-training dominates the cost and is the same for DEC, IDEC, DCN and DKM with the same branch, data,
/// preprocessing and seed: its weights are kept under a key made of everything that determines them, the thread
/// count and the data's contents included. An entry is used only when its checksum and shapes verify; any other entry
/// is a miss, trained afresh and replaced.
/// </summary>
/// <param name="directory">
/// The cache's folder (<see cref="Running.HostSettings.CacheFolder"/>: TAXONOMY_CACHE or ~/.cache/taxonomy).
/// </param>
public sealed class PretrainingCache(string directory, string? productVersion = null)
{
    /// <summary>Bump when training semantics or the key change, so old weights are not reused.</summary>
    private const int FormatVersion = 2;

    public string Directory => directory;

    private string EntriesFolder => Path.Combine(directory, "pretrained");

    /// <summary>
    /// The phase the cache can stand in for: an opening pre-training phase of a run without an epoch limit. A limited run
    /// (bench, a quick table) neither reads the full pre-training nor leaves a shortened one under the full one's key.
    /// </summary>
    public static Phase? CacheablePhase(IReadOnlyList<Phase> phases, int? epochLimit) =>
        epochLimit is null && phases.Count > 0 && phases[0] is { Kind: PhaseKind.Pretraining, Epochs: > 0 } first ? first : null;

    /// <summary>
    /// Refuses, before any data is read, a cache folder that is a file or cannot be created or written; clears the
    /// temporaries of killed writers on the way.
    /// </summary>
    public void CheckWritable()
    {
        string problem;
        try
        {
            if (File.Exists(directory))
            {
                problem = "is a file, not a folder";
            }
            else
            {
                System.IO.Directory.CreateDirectory(EntriesFolder);
                var probe = AtomicFile.TemporaryNameFor(Path.Combine(EntriesFolder, "write-test"));
                File.WriteAllBytes(probe, []);
                File.Delete(probe);
                RemoveAbandonedTemporaries();
                return;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = FileAbove(EntriesFolder) is { } file
                ? $"cannot hold entries: '{file}' is a file"
                : $"cannot be created or written ({e.Message.TrimEnd('.')})";
        }
        throw new ManifestException($"pre-training cache folder '{directory}' {problem}; set TAXONOMY_CACHE to a writable folder, " +
                                    "or run with --set pretrainingCache=false.");
    }

    /// <summary>
    /// Temporary files of writers killed before their rename would pile up, entry-sized; a day-old one has no live writer
    /// (a fresh one may be another run's, and is left alone).
    /// </summary>
    private void RemoveAbandonedTemporaries()
    {
        foreach (var file in new DirectoryInfo(EntriesFolder).EnumerateFiles("*.partial"))
        {
            if (DateTime.UtcNow - file.LastWriteTimeUtc > TimeSpan.FromDays(1))
            {
                file.Delete();
            }
        }
    }

    /// <summary>The nearest existing path above (or at) the folder, when it is a file rather than a folder.</summary>
    private static string? FileAbove(string folder)
    {
        for (var path = Path.GetFullPath(folder); !string.IsNullOrEmpty(path); path = Path.GetDirectoryName(path))
        {
            if (File.Exists(path))
            {
                return path;
            }
            if (System.IO.Directory.Exists(path))
            {
                return null;
            }
        }
        return null;
    }

    /// <summary>
    /// The weights file for this method's pre-training phase (which may not exist yet); null when the data cannot be keyed
    /// by its contents (a pipe or device).
    /// </summary>
    public string? PathFor(MethodDefinition method, Phase phase, EffectiveOptimizer optimizer)
    {
        if (DataKey(method) is not { } data)
        {
            return null;
        }
        var key = new JsonObject
        {
            ["format"] = FormatVersion,
            ["seed"] = method.Settings.Seed,
            ["data"] = data,
            ["preprocessor"] = new JsonArray(method.Preprocessors.Select(p => OptionsJson.Serialize(p.Options)).ToArray()),
            ["branch"] = OptionsJson.Serialize(method[BlockRole.Branch].Options),
            ["nonClusteringLoss"] = OptionsJson.Serialize(method[BlockRole.NonClusteringLoss].Options),
            ["epochs"] = phase.Epochs,
            ["optimizer"] = optimizer.ToString(),
            ["weightDecay"] = optimizer.WeightDecay,
            // The thread count changes float summation order, hence the weights: on digits, seed 0, a network trained
            // with one thread gave AE + k-means ACC 0.78 against 0.84 with two. Sharing them made a result depend on
            // which run had filled the cache first.
            ["threads"] = torch.get_num_threads(),
        }.ToJsonString();
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..20];
        var branch = method[BlockRole.Branch].Descriptor.Name;
        var source = Path.GetFileName(method.Settings.Data.Source.TrimEnd('/'));
        if (DataCatalog.SplitPart(method.Settings.Data, method.Directory) is { } part)
        {
            source += "-" + part;
        }
        var name = new string(source.Select(c => char.IsLetterOrDigit(c) ? c : '-').ToArray());
        return Path.Combine(EntriesFolder, $"{branch}-{name}-{hash}.pt");
    }

    /// <summary>
    /// Loads the entry into the module when it verifies. Returns false for a missing entry (<paramref name="damage"/> null)
    /// or a damaged one (<paramref name="damage"/> says why); the module is then as it was.
    /// </summary>
    public static bool TryLoad(torch.nn.Module module, string path, out string? damage)
    {
        damage = null;
        if (!File.Exists(path))
        {
            // A sidecar whose weights file was deleted is a damaged entry, not an empty slot.
            damage = File.Exists(WeightsSidecar.PathOf(path)) ? "weights file missing" : null;
            return false;
        }
        try
        {
            var weights = BranchWeights.Verify(path, requireChecksum: true);
            BranchWeights.CheckArchitecture(module, weights);
            BranchWeights.LoadVerified(module, weights);
            return true;
        }
        catch (DamagedWeightsException e)
        {
            damage = e.Reason;
            return false;
        }
    }

    /// <summary>
    /// Writes the entry (weights, then sidecar) unless another run is writing the same one: two runs of one key that
    /// finish together would otherwise interleave their renames and leave one run's weights beside the other's sidecar.
    /// The lock is the operating system's, so a killed writer never leaves the entry locked. Returns false when left to
    /// the other run.
    /// </summary>
    public bool TryStore(torch.nn.Module module, string path)
    {
        var locks = System.IO.Directory.CreateDirectory(Path.Combine(directory, "locks")).FullName;
        FileStream guard;
        try
        {
            guard = new FileStream(Path.Combine(locks, Path.GetFileName(path) + ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (HeldElsewhere(e))
        {
            return false;
        }
        using (guard)
        {
            BranchWeights.Save(module, path);
        }
        return true;
    }

    /// <summary>
    /// What opening a file that another handle holds with <see cref="FileShare.None"/> throws: flock's EWOULDBLOCK on
    /// Unix, ERROR_SHARING_VIOLATION on Windows.
    /// </summary>
    private static bool HeldElsewhere(IOException e) => e.HResult is 11 or unchecked((int)0x80070020);

    /// <summary>
    /// The data's part of the key: a generated or embedded set by its options and the product's version; a file or
    /// folder by its contents, so editing a CSV in place changes the key and moving it does not. An IDX folder's split is keyed by the part it reads
    /// ("test" and "t10k" are one key); "all" is left out, so every part keeps the key it had before data.split existed.
    /// </summary>
    private JsonObject? DataKey(MethodDefinition method)
    {
        var options = (JsonObject)OptionsJson.Serialize(method.Settings.Data);
        if (DataCatalog.SplitPart(method.Settings.Data, method.Directory) is { } part)
        {
            options["split"] = part;
        }
        else
        {
            options.Remove("split");
        }
        if (DataCatalog.LocalPath(method.Settings.Data, method.Directory) is not { } local)
        {
            // Generated and embedded sets are keyed by their options, which do not name what a generator's defaults
            // are: the version keeps a release that changes a generator from reading an older release's entries.
            options["taxonomy"] = productVersion ?? Running.ProductVersions.Taxonomy;
            return options;
        }
        if (new ContentHash(directory).Of(local) is not { } contents)
        {
            return null;
        }
        options.Remove("source");
        options["contents"] = contents;
        return options;
    }
}
