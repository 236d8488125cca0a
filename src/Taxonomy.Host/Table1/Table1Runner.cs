using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Taxonomy.Host.Manifest;
using Taxonomy.Host.Sweeps;

namespace Taxonomy.Host.Table1;

/// <summary>One row of the generated table: the method's blocks and either its result.json or why it failed.</summary>
/// <param name="RunFolder">The row's run folder, where its report.md or report.html is when the run drew its pictures.</param>
public sealed record Table1Entry(TaxonomyRow Row, JsonObject? Result, string? Failure, string? RunFolder = null);

/// <summary>
/// Runs every manifest of a folder (Table 1's rows) with the same overrides as a sweep on the local backend, each row in
/// its own process and output folder (so an interrupted table resumes); a row that fails is recorded with its reason
/// and the others still run.
/// </summary>
public static class Table1Runner
{
    /// <summary>The row manifests of a folder, by file name, keeping those whose file or method name contains the filter.</summary>
    public static IReadOnlyList<string> Manifests(string folder, string? filter)
    {
        if (!Directory.Exists(folder))
        {
            throw new ManifestException($"table1: manifest folder '{Path.GetFullPath(folder)}' not found.");
        }
        var files = Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal).ToList();
        var chosen = filter is null ? files : files.Where(f => Matches(f, filter)).ToList();
        return chosen.Count > 0 ? chosen : throw new ManifestException(
            $"table1: no manifest in '{folder}'" + (filter is null ? "." : $" matches '{filter}'. Rows: {string.Join(", ", files.Select(Path.GetFileNameWithoutExtension))}."));
    }

    private static bool Matches(string file, string filter)
    {
        if (Path.GetFileNameWithoutExtension(file).Contains(filter, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        try
        {
            return ManifestDocument.Load(file).Root["name"]?.ToString().Contains(filter, StringComparison.OrdinalIgnoreCase) == true;
        }
        catch (ManifestException)
        {
            return false;   // its run reports the problem
        }
    }

    /// <summary>Runs the rows (those complete in <paramref name="directory"/> from an earlier table are kept) and returns them in order.</summary>
    public static IReadOnlyList<Table1Entry> Run(IReadOnlyList<string> manifests, IReadOnlyList<string> overrides, int? epochLimit,
        string directory, int jobs, TextWriter log, Func<ManifestDocument, ServiceProvider>? services = null, IReadOnlyList<string>? plugins = null)
    {
        var grid = new Grid
        {
            File = Path.GetDirectoryName(Path.GetFullPath(manifests[0]))!, Name = "table1", Manifests = manifests, IsTable1 = true,
            Fixed = overrides, Epochs = epochLimit, Plugins = (plugins ?? []).Select(p => Path.GetFullPath(p)).ToList(),
        };
        var plan = SweepCheck.Plan(grid, Path.GetFullPath(directory), services, keepGoing: true);
        plan.Save();
        log.WriteLine(new LocalBackend(plan, jobs, log).Run());
        return plan.Runs.Select(planned =>
        {
            var outcome = plan.Outcome(planned.Run);
            return new Table1Entry(new TaxonomyRow(planned.Method, planned.Run.Manifest, planned.Row!), outcome.Result,
                outcome.State == RunState.Complete ? null : StripPrefix(outcome.Reason ?? "not run"), plan.RunFolder(planned.Run));
        }).ToList();
    }

    private static string StripPrefix(string reason) => reason.StartsWith("error: ", StringComparison.Ordinal) ? reason["error: ".Length..] : reason;
}
