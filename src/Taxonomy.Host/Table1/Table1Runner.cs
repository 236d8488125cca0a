using Microsoft.Extensions.DependencyInjection;
using Taxonomy.Host.Manifest;
using Taxonomy.Host.Running;
using Taxonomy.Host.Training;

namespace Taxonomy.Host.Table1;

/// <summary>One row of the generated table: the method's blocks and either its result or why it failed.</summary>
public sealed record Table1Entry(TaxonomyRow Row, RunResult? Result, string? Failure);

/// <summary>
/// Runs every manifest of a folder (Table 1's rows) with the same overrides, each in turn; a row that fails is recorded
/// with its reason and the others still run.
/// </summary>
public sealed class Table1Runner(Func<ManifestDocument, ServiceProvider> host, TextWriter log)
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

    internal IReadOnlyList<Table1Entry> Run(IEnumerable<string> manifests, IReadOnlyList<FieldAssignment> overrides, int? epochLimit)
    {
        var entries = new List<Table1Entry>();
        foreach (var file in manifests)
        {
            log.WriteLine($"== table1: {file}");
            entries.Add(RunOne(file, overrides, epochLimit));
            var last = entries[^1];
            log.WriteLine(last.Result is { } result ? $"== {result.Summary()}" : $"== {last.Row.Method}: FAILED: {last.Failure}");
        }
        return entries;
    }

    private Table1Entry RunOne(string file, IReadOnlyList<FieldAssignment> overrides, int? epochLimit)
    {
        ManifestDocument document;
        try
        {
            document = ManifestDocument.Load(file);
        }
        catch (ManifestException e)
        {
            return new Table1Entry(new TaxonomyRow(Path.GetFileNameWithoutExtension(file), file, TaxonomyRow.Columns.Select(_ => "?").ToList()), null, e.Message);
        }
        var row = TaxonomyRow.FromDocument(document);
        try
        {
            document.Apply(overrides);
            using var services = host(document);   // a row's own plugins: one host per row
            var method = services.GetRequiredService<ManifestLoader>().Load(document);
            row = TaxonomyRow.From(method);
            var result = new MethodRunner(log, services.GetRequiredService<PretrainingCache>()).Run(method, saveBranchTo: null, epochLimit);
            return new Table1Entry(row, result, null);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new Table1Entry(row, null, e.Message);
        }
    }
}
