using Taxonomy.Abstractions.Data;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Taxonomy.Abstractions.Results;
using Taxonomy.Blocks.Metrics;
using Taxonomy.Host.Models;
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
    /// <summary>Soft assignments [n, k] of methods that have them.</summary>
    public const string ProbabilitiesFile = "probabilities.csv";
    /// <summary>What `taxonomy predict` writes beside the assignments: the model, the data, the metrics.</summary>
    public const string PredictionFile = "prediction.json";
    /// <summary>The trained branch's weights; its sidecar of shapes sits beside it.</summary>
    public const string BranchFile = "branch.pt";

    /// <summary>Every file a run writes into its folder.</summary>
    public static IReadOnlyList<string> Outputs { get; } =
        [ResultFile, AssignmentsFile, ProbabilitiesFile, PredictionFile, BranchFile, Path.GetFileName(BranchWeights.SidecarOf(BranchFile)),
         Plots.RunPictures.HtmlReport, Plots.RunPictures.MarkdownReport];

    /// <summary>The folders a run writes: the trained model, and the pictures (`run --plots`, `taxonomy plot`).</summary>
    public static IReadOnlyList<string> OutputFolders { get; } = [ModelBundle.Folder, Plots.RunPictures.Folder];

    public static bool IsOutputFolder(string name) => OutputFolders.Contains(name);

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
        WriteAssignments(directory, result.Clustering, result.LabelColumns);
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
            ["kInitial"] = r.ClustersInitial,
            ["kSource"] = r.ClustersSource,
            ["result"] = ResultKinds.Of(r.Clustering),
            ["clustersFound"] = r.ClustersFound,
            ["degenerate"] = r.ClustersFound < r.Clusters,
            ["clusterSizes"] = new JsonArray(r.ClusterSizes.Select(size => (JsonNode)size).ToArray()),
            ["seed"] = r.Seed,
            ["threads"] = r.Threads,
            ["metrics"] = r.Metrics is { } m ? Metrics(m) : null,
            ["phases"] = new JsonArray(r.Phases.Select(p => JsonSerializer.SerializeToNode(p, s_json)).ToArray()),
            ["postClusteringSeconds"] = r.PostClusteringSeconds,
            ["totalSeconds"] = r.TotalSeconds,
            ["versions"] = JsonSerializer.SerializeToNode(r.Versions, s_json),
            ["effectiveManifest"] = r.EffectiveManifest.DeepClone(),
        };
        if (r.LabelColumns.Count > 1)
        {
            json.Insert(json.IndexOf("metrics") + 1, "metricsByLabel", ByLabel(r.LabelColumns, r.Clustering.Primary));
        }
        if (r.Clustering is Partitions views)
        {
            json.Insert(json.IndexOf("phases"), "views", Views(views, r.LabelColumns));
        }
        if (r.Clustering is Hierarchy hierarchy)
        {
            json.Insert(json.IndexOf("phases"), "hierarchy", Tree(hierarchy, r.Labels));
        }
        return json;
    }

    /// <summary>
    /// Each view's k, sizes and, with labels, its metrics against the first label column and, when the data has
    /// several, against each of them (a view of a non-redundant clustering may match any one).
    /// </summary>
    private static JsonArray Views(Partitions views, IReadOnlyList<LabelColumn> labels) => new(views.Views.Select((view, i) =>
    {
        var json = new JsonObject
        {
            ["name"] = views.Names[i],
            ["k"] = view.Clusters,
            ["clusterSizes"] = new JsonArray(view.Sizes().Select(size => (JsonNode)size).ToArray()),
            ["metrics"] = labels.Count == 0 ? null : Metrics(MetricSet.Compute(labels[0].Values, view.Labels)),
        };
        if (labels.Count > 1)
        {
            json["metricsByLabel"] = ByLabel(labels, view);
        }
        return (JsonNode)json;
    }).ToArray());

    /// <summary>The metrics of one partition against every label column, by the column's name.</summary>
    public static JsonObject ByLabel(IReadOnlyList<LabelColumn> labels, Partition partition) => new(labels.Select(column =>
        KeyValuePair.Create(column.Name, (JsonNode?)Metrics(MetricSet.Compute(column.Values, partition.Labels)))));

    /// <summary>The tree itself and, with labels, its dendrogram and leaf purity (DeepECT's measures).</summary>
    private static JsonObject Tree(Hierarchy hierarchy, int[]? labels) => new()
    {
        ["leaves"] = hierarchy.Tree.Leaves.Count,
        ["dendrogramPurity"] = labels is null ? null : TreeMetrics.DendrogramPurity(hierarchy.Tree, hierarchy.LeafOfSample, labels),
        ["leafPurity"] = labels is null ? null : TreeMetrics.LeafPurity(hierarchy.Tree, hierarchy.LeafOfSample, labels),
        ["tree"] = hierarchy.Tree.ToJson(),
    };

    public static JsonObject Metrics(MetricSet m) =>
        new() { ["acc"] = m.Accuracy, ["nmi"] = m.Nmi, ["ari"] = m.Ari, ["purity"] = m.Purity };

    /// <summary>
    /// assignments.csv (index, the cluster of each partition — "cluster", or one column per view — and each label
    /// column when known: "label", or the columns' own names) and, for soft assignments, probabilities.csv (index,
    /// p0 … p(k−1)) of the primary partition.
    /// </summary>
    public static void WriteAssignments(string directory, ClusteringResult clustering, IReadOnlyList<LabelColumn> labels)
    {
        var views = clustering is Partitions many ? many.Views : [clustering.Primary];
        var names = clustering is Partitions named ? named.Names.ToList() : ["cluster"];
        var csv = new StringBuilder(string.Join(",", ["index", .. names, .. labels.Select(c => c.Name)]) + "\n");
        for (var i = 0; i < clustering.Samples; i++)
        {
            csv.Append(i.ToString(CultureInfo.InvariantCulture));
            foreach (var view in views)
            {
                csv.Append(',').Append(view.Labels[i].ToString(CultureInfo.InvariantCulture));
            }
            foreach (var column in labels)
            {
                csv.Append(',').Append(column.Values[i].ToString(CultureInfo.InvariantCulture));
            }
            csv.Append('\n');
        }
        File.WriteAllText(Path.Combine(directory, AssignmentsFile), csv.ToString());
        if (clustering.Primary.Probabilities is { } probabilities)
        {
            File.WriteAllText(Path.Combine(directory, ProbabilitiesFile), Probabilities(probabilities, clustering.Primary.Clusters));
        }
    }

    private static string Probabilities(float[] probabilities, int clusters)
    {
        var csv = new StringBuilder("index," + string.Join(",", Enumerable.Range(0, clusters).Select(c => $"p{c}")) + "\n");
        for (var i = 0; i < probabilities.Length / clusters; i++)
        {
            csv.Append(i.ToString(CultureInfo.InvariantCulture));
            for (var c = 0; c < clusters; c++)
            {
                // "R" keeps every float's exact value, so the file reloads bit for bit.
                csv.Append(',').Append(probabilities[i * clusters + c].ToString("R", CultureInfo.InvariantCulture));
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
