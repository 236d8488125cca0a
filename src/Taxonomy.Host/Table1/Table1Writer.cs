using System.Globalization;
using System.Text;
using Taxonomy.Host.Output;
using Taxonomy.Host.Plots;

namespace Taxonomy.Host.Table1;

/// <summary>Writes the generated Table 1 as Markdown and CSV (each written whole, then moved into place).</summary>
public static class Table1Writer
{
    private static readonly string[] s_results = ["ACC", "NMI", "ARI", "seconds"];

    public static void Write(string directory, IReadOnlyList<Table1Entry> entries, string caption)
    {
        Directory.CreateDirectory(directory);
        RunWriter.WriteAtomically(Path.Combine(directory, "table1.md"), Markdown(entries, caption, directory));
        RunWriter.WriteAtomically(Path.Combine(directory, "table1.csv"), Csv(entries));
    }

    /// <param name="directory">Where table1.md goes: a row whose run folder has a report links its method name to it, relative to here.</param>
    public static string Markdown(IReadOnlyList<Table1Entry> entries, string caption, string? directory = null)
    {
        var headers = new[] { "Method" }.Concat(TaxonomyRow.Columns.Select(c => c.Header)).Concat(s_results).ToList();
        var text = new StringBuilder();
        text.AppendLine(caption).AppendLine();
        text.AppendLine("| " + string.Join(" | ", headers) + " |");
        text.AppendLine("|" + string.Concat(headers.Select(_ => "---|")));
        foreach (var entry in entries)
        {
            var cells = new[] { entry.Row.Method }.Concat(entry.Row.Cells).Concat(Results(entry)).Select(Escape).ToArray();
            if (directory is not null && Report(entry) is { } report)
            {
                cells[0] = $"[{cells[0].Replace("[", "\\[").Replace("]", "\\]")}](<{Path.GetRelativePath(directory, report).Replace('\\', '/')}>)";
            }
            text.AppendLine("| " + string.Join(" | ", cells) + " |");
        }
        var failures = entries.Where(e => e.Failure is not null).ToList();
        if (failures.Count > 0)
        {
            text.AppendLine().AppendLine("Failed rows:").AppendLine();
            foreach (var entry in failures)
            {
                text.AppendLine($"- {Escape(entry.Row.Method)} (`{entry.Row.File}`): {Escape(entry.Failure!)}");
            }
        }
        return text.ToString();
    }

    public static string Csv(IReadOnlyList<Table1Entry> entries)
    {
        var text = new StringBuilder();
        var headers = new[] { "method", "manifest" }.Concat(TaxonomyRow.Columns.Select(c => c.Header))
            .Concat(["acc", "nmi", "ari", "seconds", "status"]);
        text.AppendLine(string.Join(",", headers.Select(Quote)));
        foreach (var entry in entries)
        {
            var cells = new[] { entry.Row.Method, entry.Row.File }.Concat(entry.Row.Cells).Concat(Numbers(entry))
                .Append(entry.Failure is null ? "ok" : "failed: " + entry.Failure);
            text.AppendLine(string.Join(",", cells.Select(Quote)));
        }
        return text.ToString();
    }

    /// <summary>The row's report for a Markdown reader: report.md (its pictures beside it), else report.html; null when the run drew none.</summary>
    private static string? Report(Table1Entry entry) => entry.RunFolder is null
        ? null
        : new[] { RunPictures.MarkdownReport, RunPictures.HtmlReport }.Select(f => Path.Combine(entry.RunFolder, f)).FirstOrDefault(File.Exists);

    private static IEnumerable<string> Results(Table1Entry entry) => entry.Result is null
        ? ["failed", "", "", ""]
        : Numbers(entry).Select(n => n.Length == 0 ? "–" : n);

    private static IEnumerable<string> Numbers(Table1Entry entry)
    {
        var result = entry.Result;
        string F(string? metric, string field, string format) =>
            (metric is null ? result?[field] : result?["metrics"]?[metric])?.GetValue<double>().ToString(format, CultureInfo.InvariantCulture) ?? "";
        return [F("acc", "", "F4"), F("nmi", "", "F4"), F("ari", "", "F4"), F(null, "totalSeconds", "F1")];
    }

    private static string Escape(string cell) => cell.Replace("|", "\\|").ReplaceLineEndings(" ");

    private static string Quote(string cell) =>
        cell.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + cell.Replace("\"", "\"\"") + "\"" : cell;
}
