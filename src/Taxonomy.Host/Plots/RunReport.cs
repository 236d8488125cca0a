using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Taxonomy.Host.Plots;

/// <summary>
/// A run on one page: the manifest as a row of the taxonomy (the block of each role), the metrics, the timings and the
/// pictures. <see cref="Html"/> is self-contained (the PNGs embedded as base64); <see cref="Markdown"/> links plots/*.png.
/// </summary>
public static class RunReport
{
    /// <summary>The roles of a manifest in the taxonomy's order, with the headings the report gives them.</summary>
    private static readonly (string Field, string Role)[] s_roles =
    [
        ("preprocessor", "preprocessing"), ("branch", "branch"), ("featureSelector", "features"),
        ("nonClusteringLoss", "non-clustering loss"), ("clusteringLoss", "clustering loss"), ("schedule", "schedule"),
        ("clusterUpdater", "cluster update"), ("postClustering", "post-clustering"), ("optimizer", "optimizer"),
    ];

    private sealed record Table(string Title, string[] Header, IReadOnlyList<string[]> Rows);

    public static string Html(JsonObject result, IReadOnlyList<Picture> pictures)
    {
        var html = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append($"<title>{WebUtility.HtmlEncode(Heading(result))}</title>")
            .Append("<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}")
            .Append("table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}")
            .Append("code{font-size:90%}img{max-width:100%;border:1px solid #eee}figure{margin:1.5em 0}</style></head><body>\n")
            .Append($"<h1>{WebUtility.HtmlEncode(Heading(result))}</h1>\n");
        foreach (var table in Tables(result))
        {
            html.Append($"<h2>{WebUtility.HtmlEncode(table.Title)}</h2>\n<table><tr>")
                .AppendJoin("", table.Header.Select(h => $"<th>{WebUtility.HtmlEncode(h)}</th>")).Append("</tr>\n");
            foreach (var row in table.Rows)
            {
                html.Append("<tr>").AppendJoin("", row.Select(cell => $"<td>{WebUtility.HtmlEncode(cell)}</td>")).Append("</tr>\n");
            }
            html.Append("</table>\n");
        }
        html.Append("<h2>Pictures</h2>\n");
        foreach (var picture in pictures)
        {
            html.Append($"<figure><img alt=\"{WebUtility.HtmlEncode(picture.Caption)}\" src=\"data:image/png;base64,{Convert.ToBase64String(picture.Png)}\">")
                .Append($"<figcaption>{WebUtility.HtmlEncode(picture.Caption)}</figcaption></figure>\n");
        }
        return html.Append("</body></html>\n").ToString();
    }

    public static string Markdown(JsonObject result, IReadOnlyList<Picture> pictures)
    {
        var md = new StringBuilder($"# {Heading(result)}\n");
        foreach (var table in Tables(result))
        {
            md.Append($"\n## {table.Title}\n\n| {string.Join(" | ", table.Header)} |\n|{string.Concat(table.Header.Select(_ => " --- |"))}\n");
            foreach (var row in table.Rows)
            {
                md.Append($"| {string.Join(" | ", row.Select(cell => cell.Replace("|", "\\|")))} |\n");
            }
        }
        md.Append("\n## Pictures\n");
        foreach (var picture in pictures)
        {
            md.Append($"\n![{picture.Caption}]({RunPictures.Folder}/{picture.File})\n\n*{picture.Caption}*\n");
        }
        return md.ToString();
    }

    private static string Heading(JsonObject result) =>
        $"{Text(result["method"])} on {Text(result["dataset"])} (n={Text(result["n"])}, k={Text(result["k"])}, seed {Text(result["seed"])})";

    private static IEnumerable<Table> Tables(JsonObject result)
    {
        var manifest = result["effectiveManifest"] as JsonObject ?? [];
        yield return new Table("The method as a row of the taxonomy", ["role", "block", "options"],
            [.. s_roles.Where(r => manifest[r.Field] is not null).Select(r => Block(r.Role, manifest[r.Field]!))]);
        if (result["metrics"] is JsonObject metrics)
        {
            yield return new Table("Metrics", ["ACC", "NMI", "ARI", "purity", "clusters found"],
                [[Number(metrics["acc"]), Number(metrics["nmi"]), Number(metrics["ari"]), Number(metrics["purity"]),
                  $"{Text(result["clustersFound"])} of {Text(result["k"])}"]]);
        }
        var phases = (result["phases"] as JsonArray ?? []).OfType<JsonObject>().Select(p => new[]
        {
            Text(p["name"]), $"{Text(p["epochsRun"])} of {Text(p["epochsPlanned"])}", Seconds(p["seconds"]), Number(p["samplesPerSecond"], "F0"),
        });
        yield return new Table("Timings", ["phase", "epochs", "seconds", "samples/s"],
            [.. phases, ["post-clustering", "", Seconds(result["postClusteringSeconds"]), ""], ["total", "", Seconds(result["totalSeconds"]), ""]]);
    }

    /// <summary>A role's row: the block's type (several for a list, as preprocessors are) and its other options as JSON (unset ones left out).</summary>
    private static string[] Block(string role, JsonNode node)
    {
        var blocks = node is JsonArray list ? list.OfType<JsonObject>().ToList() : node is JsonObject one ? [one] : [];
        return
        [
            role,
            string.Join(" → ", blocks.Select(b => Text(b["type"]))),
            string.Join("; ", blocks.Select(b => new JsonObject(b.Where(p => p.Key != "type" && p.Value is not null && p.Value is not JsonObject { Count: 0 }).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone()))))
                .Where(o => o.Count > 0).Select(o => o.ToJsonString())),
        ];
    }

    private static string Text(JsonNode? node) => node?.ToString() ?? "";

    private static string Number(JsonNode? node, string format = "F4") =>
        node is JsonValue value && value.TryGetValue(out double number) ? number.ToString(format, CultureInfo.InvariantCulture) : "";

    private static string Seconds(JsonNode? node) => Number(node, "F1");
}
