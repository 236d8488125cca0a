using System.CommandLine;
using Taxonomy.Host.Output;
using Taxonomy.Host.Running;

namespace Taxonomy.Host.Cli;

/// <summary>`taxonomy run manifest.json [--data] [--clusters] [--seed] [--set k=v]... [--plugins DIR]... [--out DIR]`.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var manifest = new Argument<string>("manifest") { Description = "The method's JSON manifest." };
        var options = new ManifestOverrides();
        var output = new Option<string?>("--out") { Description = "Folder for result.json and assignments.csv (default runs/<method>-seed<N>)." };
        var command = new Command("run", "Train a method from its manifest and report ACC/NMI/ARI.") { manifest, output };
        options.AddTo(command);
        command.SetAction(parse =>
        {
            using var loaded = options.Load(parse, parse.GetValue(manifest)!);
            var (services, method) = (loaded.Services, loaded.Method);
            var directory = parse.GetValue(output) ?? Path.Combine("runs", $"{Slug(method.Name)}-seed{method.Settings.Seed}");
            var weights = Path.Combine(directory, "branch.pt");
            if (Directory.Exists(directory))
            {
                File.Delete(Path.Combine(directory, "result.json"));  // never leave an old result beside new files
            }
            var result = new MethodRunner(services, Console.Out).Run(method, weights);
            RunWriter.Write(directory, result);
            foreach (var phase in result.Phases)
            {
                Console.WriteLine($"  {phase.Name}: {phase.EpochsRun} epochs, {phase.Seconds:F1} s, {phase.SamplesPerSecond:F0} samples/s");
            }
            Console.WriteLine($"  results: {Path.Combine(directory, "result.json")}, {Path.Combine(directory, "assignments.csv")}, {weights}");
            Console.WriteLine(result.Summary());
            return 0;
        });
        return command;
    }

    private static string Slug(string name) =>
        new(name.ToLowerInvariant().Select(c => char.IsLetterOrDigit(c) ? c : '-').ToArray());
}
