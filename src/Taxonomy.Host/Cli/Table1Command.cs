using System.CommandLine;
using Taxonomy.Host.Table1;

namespace Taxonomy.Host.Cli;

/// <summary>
/// `taxonomy table1 [--rows DIR] [--filter TEXT] [--epochs N] [--jobs N] [--data ...] [--set k=v]... [--out DIR]`: runs every
/// row manifest as a sweep on the local backend and writes table1.md and table1.csv, the block columns derived from the manifests.
/// </summary>
internal static class Table1Command
{
    public static Command Create()
    {
        var rows = new Option<string>("--rows")
        {
            Description = "Folder of row manifests (default manifests/table1).", DefaultValueFactory = _ => Path.Combine("manifests", "table1"),
        };
        var filter = new Option<string?>("--filter") { Description = "Only the rows whose file or method name contains this text." };
        var epochs = new Option<int?>("--epochs") { Description = "Cap every phase at N epochs (a quick table, trained without the pre-training cache; the caption says so)." };
        var output = new Option<string>("--out")
        {
            Description = "Folder for table1.md, table1.csv and each row's run folder; a row complete there is kept (default runs/table1).",
            DefaultValueFactory = _ => Path.Combine("runs", "table1"),
        };
        var jobs = new Option<int>("--jobs") { Description = "Rows run at once, each in its own process with cores / jobs threads (default 1).", DefaultValueFactory = _ => 1 };
        var overrides = new ManifestOverrides();
        var command = new Command("table1", "Run Table 1's rows and write table1.md and table1.csv.") { rows, filter, epochs, output, jobs };
        overrides.AddTo(command);
        command.SetAction(parse =>
        {
            var limit = parse.GetValue(epochs);
            if (limit is < 1)
            {
                throw new Manifest.ManifestException($"--epochs must be at least 1, got {limit}.");
            }
            _ = Output.OutPath.Resolve(parse.GetValue(output));   // a bad --out fails now, not after every row has run
            var files = Table1Runner.Manifests(parse.GetValue(rows)!, parse.GetValue(filter));
            // As `--set` would write them (a typed --data or --seed too): each row's process gets them on its command line.
            var assignments = overrides.From(parse).Select(assignment => assignment.Text).ToList();
            var directory = parse.GetValue(output)!;
            if (parse.GetValue(jobs) is var n && n < 1)
            {
                throw new Manifest.ManifestException($"--jobs must be at least 1, got {n}.");
            }
            var entries = Table1Runner.Run(files, assignments, limit, directory, n, Console.Out,
                document => overrides.Host(parse, document), overrides.PluginFolders(parse));
            Table1Writer.Write(directory, entries, Caption(assignments, limit));
            Console.WriteLine($"table1: {entries.Count(e => e.Failure is null)} of {entries.Count} rows ran; " +
                              $"{Path.Combine(directory, "table1.md")}, {Path.Combine(directory, "table1.csv")}");
            return entries.All(e => e.Failure is null) ? 0 : 1;
        });
        return command;
    }

    private static string Caption(IReadOnlyList<string> overrides, int? limit) =>
        "Table 1 of Aljalbout et al. (2018), executed: the block columns are read from each row's manifest " +
        "(block name and the options that differ from its defaults)" +
        (overrides.Count > 0 ? $"; overrides: `{string.Join("`, `", overrides)}`" : "") +
        (limit is { } n ? $"; at most {n} epochs per phase, every phase trained without the pre-training cache (a quick run, not the methods' results)" : "") + ".";
}
