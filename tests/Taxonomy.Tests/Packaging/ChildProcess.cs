using System.Diagnostics;
using System.Text;

namespace Taxonomy.Tests.Packaging;

/// <summary>What a finished child process printed and returned.</summary>
public sealed record ChildResult(string Command, int Code, string Out, string Error)
{
    /// <summary>The command and everything it printed, for a failure message.</summary>
    public string Report => $"`{Command}` exited {Code}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}

/// <summary>
/// Runs `dotnet` and `taxonomy` as a user would, in a separate process with a time limit. The child's environment is
/// this process's without what `dotnet test` sets for its own MSBuild (an inherited MSBuild path would build with the
/// test run's SDK settings), and with no build servers: a compiler or MSBuild node left running would hold the output
/// pipes open, and would outlive the test.
/// </summary>
public static class ChildProcess
{
    public static ChildResult Run(string program, string workingDirectory, TimeSpan limit,
        IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["UseSharedCompilation"] = "false";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var command = $"{Path.GetFileName(program)} {string.Join(' ', arguments)}";
        var (output, error) = (new StringBuilder(), new StringBuilder());
        using var child = new Process { StartInfo = start };
        child.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        child.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (error) { error.AppendLine(e.Data); } } };
        child.Start();
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        if (!child.WaitForExit(limit))
        {
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
            Assert.Fail($"`{command}` did not finish within {limit.TotalMinutes} min and was stopped.\n{output}\n{error}");
        }
        child.WaitForExit();   // the last output lines
        return new ChildResult(command, child.ExitCode, output.ToString(), error.ToString());
    }
}
