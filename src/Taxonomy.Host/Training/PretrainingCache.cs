using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using TorchSharp;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;
using Taxonomy.Host.Manifest;

namespace Taxonomy.Host.Training;

/// <summary>
/// Pre-training dominates the cost and is the same for DEC, IDEC, DCN and DKM with the same branch, data,
/// preprocessing and seed: its weights are kept under a key made of everything that determines them, the thread
/// count included.
/// </summary>
public sealed class PretrainingCache(string directory)
{
    /// <summary>Bump when training semantics change, so old weights are not reused.</summary>
    private const int FormatVersion = 1;

    public static string DefaultDirectory =>
        Environment.GetEnvironmentVariable("TAXONOMY_CACHE") is { Length: > 0 } custom
            ? custom
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "taxonomy");

    public string Directory => directory;

    /// <summary>The weights file for this method's pre-training phase (which may not exist yet).</summary>
    public string PathFor(MethodDefinition method, Phase phase, EffectiveOptimizer optimizer)
    {
        var key = new JsonObject
        {
            ["format"] = FormatVersion,
            ["seed"] = method.Settings.Seed,
            ["data"] = OptionsJson.Serialize(method.Settings.Data),
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
        var data = new string(Path.GetFileName(method.Settings.Data.Source.TrimEnd('/')).Select(c => char.IsLetterOrDigit(c) ? c : '-').ToArray());
        return Path.Combine(directory, "pretrained", $"{branch}-{data}-{hash}.pt");
    }
}
