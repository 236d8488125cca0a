using System.CommandLine;
using Taxonomy.Blocks.Data;
using Taxonomy.Host.Manifest;
using Taxonomy.Host.Plugins;
using Taxonomy.Host.Training;

namespace Taxonomy.Host.Cli;

/// <summary>The `taxonomy` command line: run, validate, list, bench, table1. Known failures print one clear line and exit 2.</summary>
public static class TaxonomyCli
{
    public static int Execute(string[] args)
    {
        var root = new RootCommand("taxonomy: deep clustering composed from the building blocks of Aljalbout et al. (2018).")
        {
            RunCommand.Create(),
            ValidateCommand.Create(),
            ListCommand.Create(),
            BenchCommand.Create(),
            KMeansBenchCommand.Create(),
            Table1Command.Create(),
            ConvolutionProbeCommand.Create(),
        };
        try
        {
            return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is ManifestException or PluginException or DataException or TrainingException)
        {
            Console.Out.Flush();
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
    }
}
