using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Taxonomy.Blocks.Metrics;
using Taxonomy.Host.Models;
using Taxonomy.Host.Output;
using Taxonomy.Host.Running;

namespace Taxonomy.Host.Cli;

/// <summary>`taxonomy predict MODEL [--data SOURCE] [--set data.F=V]... [--out DIR]`: assign data with a trained model.</summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var model = new ModelOptions();
        var output = new Option<string?>("--out")
        {
            Description = "Folder for assignments.csv, probabilities.csv (soft assignments) and prediction.json (default " +
                          "predictions/<method>); replaced only once complete, and only if it holds nothing but such outputs.",
        };
        var command = new Command("predict", "Assign data to the clusters of a trained model; metrics when the data has labels.") { output };
        model.AddTo(command);
        command.SetAction(parse =>
        {
            var given = parse.GetValue(output);
            var (trained, data) = model.Load(parse);
            using var modelScope = trained;
            using var dataScope = data;
            using var folder = RunFolder.Open(given ?? Path.Combine("predictions", Slug(trained.Method.Name)), Console.Out);
            var clustering = StageException.During("predicting", () => trained.Predict(data, Console.Out));
            var metrics = data.Labels is { } labels ? MetricSet.Compute(labels, clustering.Primary.Labels) : null;
            var sizes = clustering.Primary.Sizes();
            var json = new JsonObject
            {
                ["method"] = trained.Method.Name,
                ["model"] = Path.GetFullPath(parse.GetValue<string>("model")!),
                ["dataset"] = data.Name,
                ["dataSource"] = data.Source,
                ["n"] = data.Count,
                ["k"] = clustering.Primary.Clusters,
                ["result"] = ResultKinds.Of(clustering),
                ["clusterSizes"] = new JsonArray(sizes.Select(size => (JsonNode)size).ToArray()),
                ["metrics"] = metrics is null ? null : RunWriter.Metrics(metrics),
            };
            if (data.LabelColumns.Count > 1)
            {
                json["metricsByLabel"] = RunWriter.ByLabel(data.LabelColumns, clustering.Primary);
            }
            StageException.During($"writing the predictions to '{folder.Staging}'", () =>
            {
                RunWriter.WriteAssignments(folder.Staging, clustering, data.LabelColumns);
                File.WriteAllText(Path.Combine(folder.Staging, RunWriter.PredictionFile),
                    json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            });
            folder.Commit();
            Console.WriteLine($"{trained.Method.Name}: predicted {data.Count} samples of {data.Name} into {folder.Target}: " +
                              (metrics is null ? "no labels, no metrics" : $"ACC {metrics.Accuracy:F4}  NMI {metrics.Nmi:F4}  ARI {metrics.Ari:F4}") +
                              $"  (cluster sizes {string.Join(" ", sizes)})");
            return 0;
        });
        return command;
    }

    internal static string Slug(string name) =>
        new(name.ToLowerInvariant().Select(c => char.IsLetterOrDigit(c) ? c : '-').ToArray());
}
