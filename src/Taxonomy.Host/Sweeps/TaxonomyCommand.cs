namespace Taxonomy.Host.Sweeps;

/// <summary>The command line that starts `taxonomy run` for one run of a sweep, with this very build of taxonomy.</summary>
public static class TaxonomyCommand
{
    /// <summary>The program and its first arguments: `dotnet taxonomy.dll` (works wherever the assembly is, tests included).</summary>
    public static IReadOnlyList<string> Program { get; } =
        [DotnetHost(), Path.Combine(AppContext.BaseDirectory, "taxonomy.dll")];

    /// <summary>`run MANIFEST --out FOLDER --set threads=T --set …`: the run's own assignments after the thread count, so a grid that sets threads wins.</summary>
    public static IReadOnlyList<string> RunArguments(SweepRun run, string folder, int threads)
    {
        var arguments = new List<string> { "run", run.Manifest, "--out", folder };
        foreach (var assignment in run.Assignments.Prepend($"threads={threads}"))
        {
            arguments.AddRange(["--set", assignment]);
        }
        foreach (var plugins in run.Plugins)
        {
            arguments.AddRange(["--plugins", plugins]);
        }
        if (run.Epochs is { } epochs)
        {
            arguments.AddRange(["--epochs", epochs.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }
        return arguments;
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self
        : "dotnet";
}
