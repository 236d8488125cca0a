using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Taxonomy.Host.Running;

namespace Taxonomy.Host.Output;

/// <summary>
/// Writes result.json and assignments.csv. Both are written to temporary names and renamed at the end, so a
/// failed run never leaves files that look complete.
/// </summary>
public static class RunWriter
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,  // files, not HTML: keep '+' and quotes readable
    };

    public static void Write(string directory, RunResult result)
    {
        Directory.CreateDirectory(directory);
        var csvPath = Path.Combine(directory, "assignments.csv");
        var jsonPath = Path.Combine(directory, "result.json");
        File.Delete(jsonPath);
        WriteAtomically(csvPath, Assignments(result));
        WriteAtomically(jsonPath, Json(result).ToJsonString(s_json));
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

    internal static void WriteAtomically(string path, string content)
    {
        var temporary = path + ".partial";
        File.WriteAllText(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }
}
