using Taxonomy.Host.Cli;

namespace Taxonomy.Tests.TestSupport;

/// <summary>Runs the `taxonomy` command line in-process and captures its exit code, standard output and standard error.</summary>
public static class CliRunner
{
    public static (int Code, string Out, string Error) Run(params string[] args)
    {
        var (stdout, stderr) = (Console.Out, Console.Error);
        var (output, error) = (new StringWriter(), new StringWriter());
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            return (TaxonomyCli.Execute(args), output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }
    }
}
