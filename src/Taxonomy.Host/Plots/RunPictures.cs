using System.Text.Json.Nodes;
using Taxonomy.Abstractions.Data;
using Taxonomy.Host.Models;
using Taxonomy.Host.Training;

namespace Taxonomy.Host.Plots;

/// <summary>One picture of a run: its file name under plots/, its caption, its PNG.</summary>
public sealed record Picture(string File, string Caption, byte[] Png);

/// <summary>
/// Draws every picture that a run's figures allow and writes them, with <see cref="RunReport"/>'s report.html and
/// report.md, into a folder: plots/*.png and the two reports beside plots/.
/// </summary>
public static class RunPictures
{
    public const string Folder = "plots";
    public const string HtmlReport = "report.html";
    public const string MarkdownReport = "report.md";

    public const string MapByCluster = "map-clusters.png";
    public const string MapByLabel = "map-labels.png";
    public const string Confusion = "confusion.png";
    public const string Centroids = "centroids.png";
    public const string Samples = "samples.png";
    public const string Curves = "curves.png";
    public const string Tree = "tree.png";

    /// <summary>Every picture file a run can have; those a new drawing does not make are removed, so plots/ never mixes two drawings.</summary>
    public static IReadOnlyList<string> Files { get; } = [MapByCluster, MapByLabel, Confusion, Centroids, Samples, Tree, Curves];

    public static IReadOnlyList<Picture> Draw(RunFigures figures)
    {
        var method = figures.Result["method"]?.ToString() ?? "run";
        var of = $"{method} on {figures.Dataset} (n={figures.Clusters.Length})";
        var pictures = new List<Picture>
        {
            new(MapByCluster, $"{figures.MapName} map of the clustering features, coloured by cluster",
                ClusterMapPlot.Render(figures.MapX, figures.MapY, figures.Clusters, c => $"cluster {c}",
                    $"{of}: clusters", figures.MapName)),
        };
        if (figures.Labels is { } labels)
        {
            pictures.Add(new(MapByLabel, $"{figures.MapName} map of the clustering features, coloured by label",
                ClusterMapPlot.Render(figures.MapX, figures.MapY, labels, figures.LabelName, $"{of}: labels", figures.MapName)));
            var matrix = ConfusionMatrix.Build(labels, figures.Clusters);
            pictures.Add(new(Confusion, "Labels against clusters after the Hungarian matching (the diagonal holds the matched samples)",
                ConfusionPlot.Render(matrix, figures.LabelName,
                    $"{of}: ACC {matrix.Diagonal / (double)labels.Length:F4} ({matrix.Diagonal} of {labels.Length} matched)")));
        }
        if (figures is { Decoded: { Count: > 0 } decoded, Shape: { } shape })
        {
            pictures.Add(new(Centroids, figures.DecodedTitle,
                ImageGrid.Render(decoded.Chunk(10).Select(row => (IReadOnlyList<Tile>)row).ToList(), shape, $"{of}: {figures.DecodedTitle}").Png));
        }
        if (figures is { Nearest: { Count: > 0 } nearest, Shape: { } imageShape })
        {
            var title = $"{of}: the samples nearest each cluster's {(figures.CentreName == "centroids" ? "centroid" : "mean")}, nearest first";
            pictures.Add(new(Samples, $"Samples nearest each cluster's {figures.CentreName[..^1]}, one row per cluster",
                ImageGrid.Render(nearest.Select(row => row.Samples).ToList(), imageShape, title,
                    nearest.Select(row => $"cluster {row.Cluster}").ToList()).Png));
        }
        if (figures.Tree is { } tree)
        {
            var k = figures.Result["k"] is JsonValue value && value.TryGetValue(out int clusters) ? clusters : figures.Clusters.Max() + 1;
            var samples = figures.Shape is null ? null : figures.LeafSamples;
            pictures.Add(new(Tree, "The cluster tree, top-down, each node with its number of samples; the cut at k filled in the clusters' colours" +
                                   (samples is null ? "" : ", the samples nearest each leaf's centre below it"),
                ClusterTreePlot.Render(tree, tree.CutNodes(Math.Max(1, k)), samples, figures.Shape,
                    $"{of}: cluster tree, {tree.Leaves.Count} leaves, cut at k = {k}").Png));
        }
        if (TrainingCurvesPlot.Render(figures.Result, $"{method}: training curves") is { } curves)
        {
            pictures.Add(new(Curves, "Losses per epoch, and ACC/NMI of the quick assignments where measured", curves));
        }
        return pictures;
    }

    /// <summary>Gathers the figures of <paramref name="raw"/> under <paramref name="model"/> and writes them (see <see cref="Write(string, RunFigures)"/>).</summary>
    public static IReadOnlyList<Picture> Write(string directory, TrainedModel model, Dataset raw, int[] clusters, JsonObject result,
        MapProjection projection, TextWriter log) =>
        Write(directory, Running.StageException.During("computing the figures", () => RunFigures.Gather(model, raw, clusters, result, projection, log)));

    /// <summary>Writes plots/*.png, report.html and report.md into <paramref name="directory"/>; each file whole or not at all.</summary>
    public static IReadOnlyList<Picture> Write(string directory, RunFigures figures)
    {
        var pictures = Draw(figures);
        var folder = Path.Combine(directory, Folder);
        Directory.CreateDirectory(folder);
        foreach (var picture in pictures)
        {
            AtomicFile.Write(Path.Combine(folder, picture.File), picture.Png);
        }
        foreach (var stale in Files.Except(pictures.Select(p => p.File)))
        {
            File.Delete(Path.Combine(folder, stale));
        }
        AtomicFile.Write(Path.Combine(directory, HtmlReport), System.Text.Encoding.UTF8.GetBytes(RunReport.Html(figures.Result, pictures)));
        AtomicFile.Write(Path.Combine(directory, MarkdownReport), System.Text.Encoding.UTF8.GetBytes(RunReport.Markdown(figures.Result, pictures)));
        return pictures;
    }
}
