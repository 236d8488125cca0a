using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Taxonomy.Host.Output;
using Taxonomy.Host.Plots;
using Taxonomy.Host.Running;

namespace Taxonomy.Host.Cli;

/// <summary>`taxonomy plot RUN [--data SOURCE] [--projection auto|pca|tsne] [--out DIR]`: the pictures of a run and its report.</summary>
internal static class PlotCommand
{
    /// <summary>--projection, shared with `run --plots`.</summary>
    public static Option<MapProjection> ProjectionOption() => new("--projection")
    {
        Description = $"How the features are mapped to 2-D: tsne, pca, or auto (t-SNE up to {RunFigures.TsneLimit:N0} points, PCA above).",
        DefaultValueFactory = _ => MapProjection.Auto,
    };

    public static Command Create()
    {
        var model = new ModelOptions("run", "A run's folder (--out of `taxonomy run`): its result.json, assignments.csv and model/.");
        var projection = ProjectionOption();
        var output = new Option<string?>("--out")
        {
            Description = "Folder for plots/*.png, report.html and report.md (default: the run's folder).",
        };
        var command = new Command("plot", "Draw a run: feature maps, decoded centroids, samples per cluster, confusion matrix, training curves, and a report.")
        {
            projection, output,
        };
        model.AddTo(command);
        command.SetAction(parse =>
        {
            var run = model.Path(parse);
            var result = ReadResult(run);
            var target = parse.GetValue(output) ?? run;
            if (File.Exists(target))
            {
                throw new Manifest.ManifestException($"--out '{target}' is a file; give a folder.");
            }
            var (trained, data) = model.Load(parse);
            using var modelScope = trained;
            using var dataScope = data;
            var clusters = model.OtherData(parse)
                ? StageException.During("assigning the data", () => trained.Predict(data).Primary.Labels)
                : ReadAssignments(Path.Combine(run, RunWriter.AssignmentsFile), data.Count);
            var pictures = RunPictures.Write(target, trained, data, clusters, result, parse.GetValue(projection), Console.Out);
            Console.WriteLine($"{trained.Method.Name}: wrote {pictures.Count} pictures to {Path.Combine(target, RunPictures.Folder)}, " +
                              $"{Path.Combine(target, RunPictures.HtmlReport)} and {Path.Combine(target, RunPictures.MarkdownReport)}");
            return 0;
        });
        return command;
    }

    private static JsonObject ReadResult(string run)
    {
        var path = Path.Combine(run, RunWriter.ResultFile);
        if (!Directory.Exists(run))
        {
            throw new PlotException($"{run}: run folder not found.");
        }
        if (!File.Exists(path))
        {
            throw new PlotException($"{run}: no {RunWriter.ResultFile}: not a run folder, or one whose run did not finish.");
        }
        try
        {
            return JsonNode.Parse(File.ReadAllBytes(path)) as JsonObject ?? throw new JsonException("not a JSON object");
        }
        catch (JsonException e)
        {
            throw new PlotException($"{path}: not valid JSON ({e.Message.Split(" Path:")[0].TrimEnd('.')}); the file is damaged.", e);
        }
    }

    /// <summary>The primary partition's column (the first after the index) of a run's assignments.csv.</summary>
    private static int[] ReadAssignments(string path, int samples)
    {
        if (!File.Exists(path))
        {
            throw new PlotException($"{path}: missing; the run folder is incomplete.");
        }
        var lines = File.ReadAllLines(path).Skip(1).Where(l => l.Length > 0).ToList();
        if (lines.Count != samples)
        {
            throw new PlotException($"{path}: {lines.Count} assignments, but the data has {samples} samples; give the run's own data (no --data) or check the file.");
        }
        return [.. lines.Select((line, i) => line.Split(',') is [_, var cluster, ..] &&
                                             int.TryParse(cluster, NumberStyles.Integer, CultureInfo.InvariantCulture, out var c) && c >= 0
            ? c
            : throw new PlotException($"{path}: line {i + 2}: '{line}' has no cluster number in its second column; the file is damaged."))];
    }
}
