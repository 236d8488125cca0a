using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Host.Benchmark;
using Taxonomy.Host.Manifest;
using Taxonomy.Host.Platform;
using Taxonomy.Host.Running;
using Taxonomy.Host.Training;

namespace Taxonomy.Host.Cli;

/// <summary>
/// `taxonomy bench manifest.json [--epochs N]`: seconds per epoch, samples per second and peak memory per phase,
/// and the framework's overhead against a bare TorchSharp loop. Runs without the cache or per-epoch metrics.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var manifest = new Argument<string>("manifest") { Description = "The method's JSON manifest." };
        var epochs = new Option<int>("--epochs") { Description = "Epochs per phase to time (default 3).", DefaultValueFactory = _ => 3 };
        var overrides = new ManifestOverrides();
        var command = new Command("bench", "Time each phase of a method: s/epoch, samples/s, peak memory, overhead vs a bare loop.")
        {
            manifest, epochs,
        };
        overrides.AddTo(command);
        command.SetAction(parse =>
        {
            var limit = parse.GetValue(epochs);
            if (limit < 1)
            {
                throw new ManifestException($"--epochs must be at least 1, got {limit}.");
            }
            var (host, method) = overrides.Load(parse, parse.GetValue(manifest)!,
                FieldAssignment.Of("pretrainingCache", JsonValue.Create(false), "bench"),
                FieldAssignment.Of("log.metricsEvery", JsonValue.Create(0), "bench"));
            using var services = host;
            var result = TaxonomyHost.Runner(services, TextWriter.Null)
                .Run(method, saveBranchTo: null, epochLimit: limit);
            Console.WriteLine($"benchmark: {result.Method} on {result.Dataset} (n={result.Samples}, sample " +
                              $"[{string.Join(", ", result.SampleShape)}]), {result.Threads} threads, at most {limit} epochs per phase");
            Console.WriteLine($"{"phase",-14}{"epochs",7}{"s/epoch",10}{"samples/s",11}{"peak RSS",11}");
            foreach (var phase in result.Phases)
            {
                Console.WriteLine($"{phase.Name,-14}{phase.EpochsRun,7}{phase.SecondsPerEpoch,10:F2}{phase.SamplesPerSecond,11:F0}" +
                                  $"{phase.PeakWorkingSetBytes / (1 << 20),8} MB");
            }
            Console.WriteLine($"{"post-cluster",-14}{"",7}{result.PostClusteringSeconds,10:F2} s");
            Console.WriteLine($"process peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / (1 << 20)} MB");
            foreach (var line in services.GetRequiredService<IPlatform>().Describe())
            {
                Console.WriteLine(line);
            }
            CompareWithBareLoop(method, result, limit);
            return 0;
        });
        return command;
    }

    private static void CompareWithBareLoop(MethodDefinition method, RunResult result, int epochs)
    {
        var pretraining = result.Phases.FirstOrDefault(p => p.Name == "pretrain" && p.EpochsRun > 0);
        if (pretraining is null || BareAutoencoderLoop.PlainAutoencoder(method[BlockRole.Branch].Options) is not { } autoencoder
            || result.SampleShape.Length != 1)
        {
            Console.WriteLine("bare-loop baseline: only for a pre-training phase of an mlp-autoencoder without batch norm, dropout or inputDropout, on flat data.");
            return;
        }
        var optimizer = method.Settings.Optimizer.For("pretrain");
        if (optimizer.Type != OptimizerKind.Adam)
        {
            Console.WriteLine("bare-loop baseline: only for Adam pre-training.");
            return;
        }
        var bare = BareAutoencoderLoop.SamplesPerSecond(result.Samples, (int)result.SampleShape[0], autoencoder.Dims!,
            autoencoder.Activation, optimizer.BatchSize, optimizer.LearningRate, epochs, method.Settings.Seed);
        var overhead = bare / pretraining.SamplesPerSecond - 1;
        Console.WriteLine($"bare TorchSharp loop, same autoencoder/batch/Adam: {bare:F0} samples/s; " +
                          $"framework pre-training {pretraining.SamplesPerSecond:F0} samples/s; overhead {overhead:P1}");
    }
}
