using System.CommandLine;
using System.CommandLine.Invocation;

namespace Taxonomy.Host.Cli;

/// <summary>
/// The `taxonomy` command line: run, predict, embed, plot, validate, list, bench, table1, sweep, collect. Every failure, a wrong command line included,
/// prints one line "error: …" on stderr and exits 2; `--verbose` adds the stack trace.
/// </summary>
public static class TaxonomyCli
{
    public const int Failed = 2;

    public static int Execute(string[] args)
    {
        var verbose = new Option<bool>("--verbose") { Description = "On failure, print the stack trace after the error line.", Recursive = true };
        var root = new RootCommand("taxonomy: deep clustering composed from the building blocks of Aljalbout et al. (2018).")
        {
            RunCommand.Create(),
            PredictCommand.Create(),
            EmbedCommand.Create(),
            PlotCommand.Create(),
            ValidateCommand.Create(),
            ListCommand.Create(),
            SchemaCommand.Create(),
            BenchCommand.Create(),
            KMeansBenchCommand.Create(),
            Table1Command.Create(),
            SweepCommand.Create(),
            CollectCommand.Create(),
            ConvolutionProbeCommand.Create(),
        };
        root.Options.Add(verbose);
        ParseResult? parse = null;
        try
        {
            parse = root.Parse(args);
            // --help and --version answer even on an incomplete command line.
            if (parse.Action is not CommandLineAction { ClearsParseErrors: true } && parse.Errors.Count > 0)
            {
                Console.Error.WriteLine("error: " + CommandLineErrors.OneLine(parse));
                return Failed;
            }
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            Console.Out.Flush();
            Console.Error.WriteLine(FailureReport.OneLine(e));
            if (parse?.GetValue(verbose) == true)
            {
                Console.Error.WriteLine(e);
            }
            return Failed;
        }
    }
}
