using System.CommandLine;
using Taxonomy.Host.Sweeps;

namespace Taxonomy.Host.Cli;

/// <summary>`taxonomy collect SWEEP-DIR [--out PREFIX]`: the runs' results merged into PREFIX.md and PREFIX.csv.</summary>
internal static class CollectCommand
{
    public static Command Create()
    {
        var folder = new Argument<string>("sweep-dir") { Description = "A folder `taxonomy sweep` wrote (it holds sweep.json)." };
        var output = new Option<string?>("--out") { Description = "File prefix of the table (default SWEEP-DIR/results: results.md, results.csv)." };
        var command = new Command("collect", "Merge a sweep's results into one table: mean ± sd over seeds, failed runs listed.") { folder, output };
        command.SetAction(parse =>
        {
            var directory = parse.GetValue(folder)!;
            var table = SweepTable.Collect(directory);
            var (markdown, csv) = table.Write(parse.GetValue(output) ?? Path.Combine(directory, "results"));
            Console.Write(table.Markdown());
            Console.WriteLine($"collect: {table.Rows.Count} rows, {table.Unfinished.Count} runs without a result; {markdown}, {csv}");
            return 0;
        });
        return command;
    }
}
