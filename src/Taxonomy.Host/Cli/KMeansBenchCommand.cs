using System.CommandLine;
using System.Diagnostics;
using TorchSharp;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Clustering;
using Taxonomy.Host.Manifest;

namespace Taxonomy.Host.Cli;

/// <summary>
/// `taxonomy bench-kmeans [--rows N] [--dims D] [--clusters K] [--restarts R] [--seed S]`: Lloyd's, mini-batch and SGD
/// k-means on the same generated Gaussian mixture (overlapping clusters of unequal spread): seconds, inertia against
/// Lloyd's, and passes over the data.
/// </summary>
internal static class KMeansBenchCommand
{
    public static Command Create()
    {
        var rows = new Option<int>("--rows") { Description = "Points (default 70000).", DefaultValueFactory = _ => 70_000 };
        var dims = new Option<int>("--dims") { Description = "Dimensions (default 10).", DefaultValueFactory = _ => 10 };
        var clusters = new Option<int>("--clusters") { Description = "k, also the mixture's components (default 10).", DefaultValueFactory = _ => 10 };
        var restarts = new Option<int>("--restarts") { Description = "k-means++ seedings per algorithm (default 10, as the kmeans post-clustering).", DefaultValueFactory = _ => 10 };
        var seed = new Option<int>("--seed") { Description = "Seed of the data and of every algorithm (default 0).", DefaultValueFactory = _ => 0 };
        var separation = new Option<double>("--separation") { Description = "Standard deviation of the mixture's centres; each component's own spread is 0.5 to 1.5 (default 3; 2 makes them overlap).", DefaultValueFactory = _ => 3.0 };
        var streaming = new KMeansOptions();
        var batchSize = new Option<int>("--batch-size") { Description = $"mini-batch: points per batch (default {streaming.BatchSize}).", DefaultValueFactory = _ => streaming.BatchSize };
        var patience = new Option<int>("--max-no-improvement") { Description = $"mini-batch: batches without improvement before it stops (default {streaming.MaxNoImprovement}).", DefaultValueFactory = _ => streaming.MaxNoImprovement };
        var command = new Command("bench-kmeans", "Time Lloyd's, mini-batch and SGD k-means on one generated mixture: seconds, inertia, passes.")
        {
            rows, dims, clusters, restarts, seed, batchSize, patience, separation,
        };
        command.SetAction(parse =>
        {
            var (n, d, k, r, s) = (parse.GetValue(rows), parse.GetValue(dims), parse.GetValue(clusters), parse.GetValue(restarts), parse.GetValue(seed));
            if (n < 2 || d < 1 || k < 1 || k > n || r < 1)
            {
                throw new ManifestException($"bench-kmeans: need --rows ≥ 2, --dims ≥ 1, 1 ≤ --clusters ≤ --rows and --restarts ≥ 1; got {n}, {d}, {k}, {r}.");
            }
            var scale = parse.GetValue(separation);
            using var points = Mixture(n, d, k, s, scale);
            Console.WriteLine($"bench-kmeans: {n} × {d} Gaussian mixture (centres ~ N(0, {scale}²)), k={k}, {r} k-means++ seedings, seed {s}, {torch.get_num_threads()} threads");
            Console.WriteLine($"{"algorithm",-12}{"seconds",9}{"inertia",16}{"vs lloyd",10}{"passes",9}");
            double? lloyd = null;
            foreach (var algorithm in Enum.GetValues<KMeansAlgorithm>())
            {
                var options = new KMeansOptions { Algorithm = algorithm, BatchSize = parse.GetValue(batchSize), MaxNoImprovement = parse.GetValue(patience) };
                var kmeans = options.Create();
                using var generator = new torch.Generator((ulong)s);
                var clock = Stopwatch.StartNew();
                using var result = kmeans.Fit(points, k, new KMeansSettings { Restarts = r }, generator);
                var seconds = clock.Elapsed.TotalSeconds;
                lloyd ??= result.Inertia;
                Console.WriteLine($"{algorithm.ToString().ToLowerInvariant(),-12}{seconds,9:F2}{result.Inertia,16:F1}{(result.Inertia / lloyd.Value - 1) * 100,9:+0.00;-0.00}%{Passes(options, result, n, r),9:F1}");
            }
            Console.WriteLine("passes: full passes over the data, seeding excluded (lloyd: the best restart's iterations + its final assignment, " +
                              "times the restarts; mini-batch: batches × batch size / n + the final assignment; sgd: points visited / n + the final assignment)");
            return 0;
        });
        return command;
    }

    private static double Passes(KMeansOptions options, KMeansResult result, int n, int restarts) => options.Algorithm switch
    {
        KMeansAlgorithm.Lloyd => (result.Iterations + 1.0) * restarts,
        KMeansAlgorithm.Minibatch => result.Iterations * (double)options.BatchSize / n + 1,
        _ => result.Iterations / (double)n + 1,
    };

    /// <summary>k components with centres ~ N(0, separation²) and spreads from 0.5 to 1.5, unequal weights: clusters overlap.</summary>
    private static torch.Tensor Mixture(int n, int d, int k, int seed, double separation)
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new torch.Generator((ulong)seed);
        var centres = torch.randn(k, d, generator: generator).mul_(separation);
        var spreads = torch.linspace(0.5, 1.5, k);
        var weights = torch.linspace(1, 3, k);
        var component = torch.multinomial(weights, n, replacement: true, generator: generator);
        var noise = torch.randn(n, d, generator: generator).mul_(spreads.index_select(0, component).unsqueeze(1));
        return centres.index_select(0, component).add_(noise).MoveToOuterDisposeScope();
    }
}
