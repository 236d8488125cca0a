// Fit a method from its manifest on part of the digits, save the model, load it back, and use it on the rest:
//   dotnet run --project examples/LibraryExample -- manifests/dec.json [FIELD=VALUE ...] [--out FOLDER]
// FIELD=VALUE are manifest overrides, as the command line's --set takes them. Ctrl+C stops the training cleanly.
using Taxonomy;
using Taxonomy.Abstractions.Data;
using Taxonomy.Host.Training;

var manifest = "manifests/dec.json";
var modelFolder = "dec-model";
var overrides = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--out" && i + 1 < args.Length)
    {
        modelFolder = args[++i];
    }
    else if (args[i].Contains('='))
    {
        overrides.Add(args[i]);
    }
    else
    {
        manifest = args[i];
    }
}

var method = ClusteringMethod.FromManifest(manifest);
foreach (var assignment in overrides)
{
    method = method.With(assignment);
}
method.Validate();   // the manifest's mistakes, before any data is read

// 1,500 digits to train on, the other 297 to predict: a model assigns data it has never seen.
using var digits = DataSets.Load("digits");
using var training = Rows(digits, 0, 1500);
using var unseen = Rows(digits, 1500, digits.Count);

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
ClusteringModel model;
try
{
    model = method.Fit(training, new EpochPrinter(), cancel.Token);
}
catch (OperationCanceledException)
{
    Console.WriteLine("cancelled: no model");
    return 1;
}

using (model)
{
    var metrics = model.Training!.Metrics!;
    Console.WriteLine($"trained {model.Method}: {model.Clusters} clusters, training ACC {metrics.Accuracy:F4}, NMI {metrics.Nmi:F4}");
    model.Save(modelFolder);
}

using var loaded = ClusteringModel.Load(modelFolder);
var clusters = loaded.Predict(unseen);
var result = loaded.PredictResult(unseen);
var soft = loaded.PredictProbabilities(unseen);
var features = loaded.Embed(unseen);
Console.WriteLine($"loaded {modelFolder}: {clusters.Length} unseen digits in {clusters.Distinct().Count()} clusters ({result.GetType().Name})");
Console.WriteLine(soft is null
    ? "no soft assignments"
    : $"soft assignments {soft.GetLength(0)} x {soft.GetLength(1)}, first row sums to {Enumerable.Range(0, soft.GetLength(1)).Sum(j => soft[0, j]):F4}");
Console.WriteLine($"embedding {features.GetLength(0)} x {features.GetLength(1)}");
Console.WriteLine($"unseen ACC {Taxonomy.Blocks.Metrics.ClusteringMetrics.Accuracy(unseen.Labels!, clusters):F4}");
return 0;

static Dataset Rows(Dataset data, int from, int to) =>
    new(data.Name, data.Features[from..to].clone(), data.Labels![from..to], $"{data.Source}, rows {from + 1} to {to}");

internal sealed class EpochPrinter : IProgress<EpochReport>
{
    public void Report(EpochReport epoch) =>
        Console.WriteLine($"{epoch.Phase} epoch {epoch.Epoch}/{epoch.Epochs}: losses {epoch.NonClusteringLoss:F4} / {epoch.ClusteringLoss:F4} ({epoch.Seconds:F1} s)");
}
