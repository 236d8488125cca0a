using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Taxonomy.Host.Running;
using Taxonomy.Host.Training;

namespace Taxonomy.Host.Output;

/// <summary>
/// Writes result.json and assignments.csv into a run's folder (its temporary folder, see <see cref="RunFolder"/>,
/// which is swapped in whole once complete).
/// </summary>
public static class RunWriter
{
    public const string ResultFile = "result.json";
    public const string AssignmentsFile = "assignments.csv";
    /// <summary>The trained branch's weights; its sidecar of shapes sits beside it.</summary>
    public const string BranchFile = "branch.pt";

    /// <summary>Every file a run writes into its folder.</summary>
    public static IReadOnlyList<string> Outputs { get; } =
        [ResultFile, AssignmentsFile, BranchFile, Path.GetFileName(BranchWeights.SidecarOf(BranchFile))];

    /// <summary>A run's output, or the temporary file of one that an earlier version of taxonomy left half-written.</summary>
    public static bool IsOutput(string name) =>
        Outputs.Any(output => name == output || name.StartsWith(output + ".partial", StringComparison.Ordinal));

    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,  // files, not HTML: keep '+' and quotes readable
    };

    public static void Write(string directory, RunResult result)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, AssignmentsFile), Assignments(result));
        File.WriteAllText(Path.Combine(directory, ResultFile), Json(result).ToJsonString(s_json));
    }

    public static JsonObject Json(RunResult r)
    {
        var json = new JsonObject
        {
            ["method"] = r.Method,
            ["manifest"] = r.Manifest,
            ["dataset"] = r.Dataset,
            ["dataSource"] = r.DataSource,
            ["n"] = r.Samples,
            ["k"] = r.Clusters,
            ["clustersFound"] = r.ClustersFound,
            ["degenerate"] = r.ClustersFound < r.Clusters,
            ["clusterSizes"] = new JsonArray(r.ClusterSizes.Select(size => (JsonNode)size).ToArray()),
            ["seed"] = r.Seed,
            ["threads"] = r.Threads,
            ["metrics"] = r.Metrics is { } m
                ? new JsonObject { ["acc"] = m.Accuracy, ["nmi"] = m.Nmi, ["ari"] = m.Ari, ["purity"] = m.Purity }
                : null,
            ["phases"] = new JsonArray(r.Phases.Select(p => JsonSerializer.SerializeToNode(p, s_json)).ToArray()),
            ["postClusteringSeconds"] = r.PostClusteringSeconds,
            ["totalSeconds"] = r.TotalSeconds,
            ["versions"] = JsonSerializer.SerializeToNode(r.Versions, s_json),
            ["effectiveManifest"] = r.EffectiveManifest.DeepClone(),
        };
        return json;
    }

    private static string Assignments(RunResult r)
    {
        var csv = new StringBuilder(r.Labels is null ? "index,cluster\n" : "index,cluster,label\n");
        for (var i = 0; i < r.Assignments.Length; i++)
        {
            csv.Append(i.ToString(CultureInfo.InvariantCulture)).Append(',')
               .Append(r.Assignments[i].ToString(CultureInfo.InvariantCulture));
            if (r.Labels is { } labels)
            {
                csv.Append(',').Append(labels[i].ToString(CultureInfo.InvariantCulture));
            }
            csv.Append('\n');
        }
        return csv.ToString();
    }

    /// <summary>Writes to a temporary name of this process and renames: readers never see a half-written file.</summary>
    internal static void WriteAtomically(string path, string content)
    {
        var temporary = $"{path}.partial-{Environment.ProcessId}-{Random.Shared.Next():x8}";
        File.WriteAllText(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }
}
