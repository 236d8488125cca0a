using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Taxonomy.Host.Models;
using Taxonomy.Host.Output;
using Taxonomy.Host.Running;
using Taxonomy.Host.Training;

namespace Taxonomy.Host.Cli;

/// <summary>`taxonomy run manifest.json [--data] [--clusters] [--seed] [--set k=v]... [--plugins DIR]... [--out DIR]`.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var manifest = new Argument<string>("manifest") { Description = "The method's JSON manifest." };
        var options = new ManifestOverrides();
        var output = new Option<string?>("--out")
        {
            Description = "Folder for result.json, assignments.csv, branch.pt and the trained model (model/) (default runs/<method>-seed<N>); replaced " +
                          "only once the new run is complete, and only if it holds nothing but a run's outputs.",
        };
        var epochs = new Option<int?>("--epochs") { Description = "Cap every phase at N epochs, trained without the pre-training cache (quick runs; sweeps pass a grid's \"epochs\")." };
        var plots = new Option<bool>("--plots")
        {
            Description = "Also draw the run (plots/*.png, report.html, report.md in its folder), as `taxonomy plot` does.",
        };
        var projection = PlotCommand.ProjectionOption();
        var command = new Command("run", "Train a method from its manifest and report ACC/NMI/ARI.") { manifest, output, epochs, plots, projection };
        options.AddTo(command);
        command.SetAction(parse =>
        {
            if (parse.GetValue(epochs) is < 1)
            {
                throw new Manifest.ManifestException($"--epochs must be at least 1, got {parse.GetValue(epochs)}.");
            }
            var (host, method) = options.Load(parse, parse.GetValue(manifest)!);
            using var services = host;
            var given = parse.GetResult(output) is { Implicit: false }
                ? parse.GetValue(output)
                : Path.Combine("runs", $"{Slug(method.Name)}-seed{method.Settings.Seed}");
            // Checked, locked and staged before any data is read: a bad --out fails in a second, not after the training.
            using var folder = RunFolder.Open(given, Console.Out);
            // On a terminal a live bar per phase; redirected output (logs, CI) gets the one line per epoch alone.
            var bar = TerminalProgress.ForConsole();
            using var fitted = TaxonomyHost.Runner(services, bar?.Log ?? Console.Out)
                .Fit(method, parse.GetValue(epochs), bar is null ? null : new TrainingObserver(null, CancellationToken.None, bar));
            var result = fitted.Result;
            StageException.During($"writing the results to '{folder.Staging}'", () =>
            {
                BranchWeights.Save(fitted.Model.Pipeline.Branch.Module, Path.Combine(folder.Staging, RunWriter.BranchFile));
                ModelBundle.Save(fitted.Model, Path.Combine(folder.Staging, ModelBundle.Folder));
                RunWriter.Write(folder.Staging, result);
            });
            if (parse.GetValue(plots))
            {
                // Drawn into the staging folder: a failure here leaves no run folder that looks complete.
                StageException.During("drawing the run", () =>
                {
                    // The run's data read again as the run read it (the runner does not keep it past training).
                    using var data = fitted.Model.ReadData(method.Settings.Data, method.Directory, TextWriter.Null);
                    Plots.RunPictures.Write(folder.Staging, fitted.Model, data, result.Assignments, RunWriter.Json(result),
                        parse.GetValue(projection), Console.Out);
                });
            }
            folder.Commit();
            foreach (var phase in result.Phases)
            {
                Console.WriteLine($"  {phase.Name}: {phase.EpochsRun} epochs, {phase.Seconds:F1} s, {phase.SamplesPerSecond:F0} samples/s");
            }
            Console.WriteLine("  results: " + string.Join(", ",
                new[] { RunWriter.ResultFile, RunWriter.AssignmentsFile, ModelBundle.Folder + "/" }
                    .Concat(parse.GetValue(plots) ? [Plots.RunPictures.Folder + "/", Plots.RunPictures.HtmlReport] : []).Select(f => Path.Combine(given!, f))));
            Console.WriteLine(result.Summary());
            return 0;
        });
        return command;
    }

    private static string Slug(string name) =>
        new(name.ToLowerInvariant().Select(c => char.IsLetterOrDigit(c) ? c : '-').ToArray());
}
