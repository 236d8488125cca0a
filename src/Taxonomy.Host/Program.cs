using System.CommandLine;
using Taxonomy.Blocks.Data;
using Taxonomy.Host.Cli;
using Taxonomy.Host.Manifest;
using Taxonomy.Host.Training;

var root = new RootCommand("taxonomy: deep clustering composed from the building blocks of Aljalbout et al. (2018).")
{
    RunCommand.Create(),
    ValidateCommand.Create(),
    ListCommand.Create(),
};
try
{
    return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e) when (e is ManifestException or DataException or TrainingException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}
