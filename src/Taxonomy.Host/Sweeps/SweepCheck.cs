using Microsoft.Extensions.DependencyInjection;
using Taxonomy.Blocks.Data;
using Taxonomy.Host.Manifest;
using Taxonomy.Host.Plugins;
using Taxonomy.Host.Running;
using Taxonomy.Host.Table1;

namespace Taxonomy.Host.Sweeps;

/// <summary>
/// Binds every run's manifest with its assignments and checks its data source exists, before any run starts: a typo in
/// the grid's last axis value fails in a second, not after hours of the other runs.
/// </summary>
public static class SweepCheck
{
    /// <param name="keepGoing">Record a run the check refuses, with its reason, instead of stopping (Table 1: a broken row
    /// is listed and the other rows still run).</param>
    public static SweepPlan Plan(Grid grid, string directory, Func<ManifestDocument, ServiceProvider>? services = null, bool keepGoing = false)
    {
        // The folders in the order `taxonomy run` loads them: next to the program, --plugins, the manifest's.
        services ??= document => TaxonomyHost.Create(
            new[] { new PluginFolder(PluginHost.DefaultFolder, "plugins next to the program", Optional: true) }
                .Concat(grid.Plugins.Select(folder => new PluginFolder(folder, "the grid's plugins")))
                .Concat(document.PluginFolders()));
        var planned = SweepRun.Expand(grid).Select(run =>
        {
            ManifestDocument? document = null;
            try
            {
                document = ManifestDocument.Load(run.Manifest);
                document.Apply(run.Assignments.Select(FieldAssignment.Parse));
                using var provider = services(document);
                var method = provider.GetRequiredService<ManifestLoader>().Load(document);
                DataCatalog.Check(method.Settings.Data, method.Directory, method.File);
                return new PlannedRun(run, method.Name, grid.IsTable1 ? TaxonomyRow.From(method).Cells : null);
            }
            catch (Exception e) when ((StageException.Explains(e) || e is IOException) && keepGoing)
            {
                var row = document is null ? null : TaxonomyRow.FromDocument(document);
                return new PlannedRun(run, row?.Method ?? Path.GetFileNameWithoutExtension(run.Manifest),
                    grid.IsTable1 ? row?.Cells ?? TaxonomyRow.Columns.Select(_ => "?").ToList() : null, e.Message);
            }
            catch (Exception e) when (StageException.Explains(e) || e is IOException)
            {
                throw new ManifestException($"{grid.File}: run {run.Id}: {e.Message}", e);
            }
        }).ToList();
        return new SweepPlan { Directory = directory, Name = grid.Name, IsTable1 = grid.IsTable1, Runs = planned };
    }
}
