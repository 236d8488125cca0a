using System.Text.Json.Nodes;
using SkiaSharp;
using Taxonomy.Abstractions.Data;
using Taxonomy.Blocks.Metrics;
using Taxonomy.Host.Models;
using Taxonomy.Host.Output;
using Taxonomy.Host.Plots;
using Taxonomy.Host.Running;
using Taxonomy.Tests.TestSupport;

namespace Taxonomy.Tests.Plots;

/// <summary>
/// DKM trained for two epochs a phase on 300 digits (raw embedding features, centroids in the cluster state), drawn
/// once; each test reads the pictures back and checks what they must show.
/// </summary>
[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class RunPicturesTests
{
    private static readonly string[] s_quick = ["data.limit=300", "threads=1", "pretrainingCache=false", "log.metricsEvery=1"];

    private FittedRun _fitted = null!;
    private Dataset _data = null!;
    private RunFigures _figures = null!;
    private Dictionary<string, Picture> _pictures = null!;

    [OneTimeSetUp]
    public void DrawOneRun()
    {
        var method = Manifests.Services().Loader.Load(Path.Combine(TestPaths.RepositoryRoot, "manifests", "dkm.json"), s_quick);
        _fitted = Manifests.Runner(TextWriter.Null).Fit(method, epochLimit: 2);
        var (options, directory) = _fitted.Model.DataOptions(null, []);
        _data = _fitted.Model.ReadData(options, directory);
        _figures = RunFigures.Gather(_fitted.Model, _data, _fitted.Result.Assignments, RunWriter.Json(_fitted.Result), MapProjection.Pca, TextWriter.Null);
        _pictures = RunPictures.Draw(_figures).ToDictionary(p => p.File);
    }

    [OneTimeTearDown]
    public void Dispose()
    {
        _data?.Dispose();
        _fitted?.Dispose();
    }

    private static SKBitmap Decode(Picture picture) => SKBitmap.Decode(picture.Png) ?? throw new AssertionException($"{picture.File} is no PNG");

    [Test]
    public void Every_kind_of_picture_is_drawn_at_its_size()
    {
        Assert.That(_pictures.Keys, Is.EquivalentTo(new[]
            { "map-clusters.png", "map-labels.png", "confusion.png", "centroids.png", "samples.png", "curves.png" }));
        using var map = Decode(_pictures["map-clusters.png"]);
        using var confusion = Decode(_pictures["confusion.png"]);
        using var curves = Decode(_pictures["curves.png"]);
        Assert.That((map.Width, map.Height), Is.EqualTo((ClusterMapPlot.Width, ClusterMapPlot.Height)));
        Assert.That((confusion.Width, confusion.Height), Is.EqualTo((ConfusionPlot.Width, ConfusionPlot.Height)));
        Assert.That((curves.Width, curves.Height), Is.EqualTo((TrainingCurvesPlot.Width, TrainingCurvesPlot.Height)));
    }

    [Test]
    public void Points_of_each_cluster_are_drawn_in_their_own_colour() => AssertGroupsHaveTheirColours(_figures.Clusters);

    [Test]
    public void Points_of_each_label_are_drawn_in_their_own_colour() => AssertGroupsHaveTheirColours(_figures.Labels!);

    private (byte[] Png, ScottPlot.PixelRect DataArea) Map(int[] groups) =>
        ClusterMapPlot.Draw(_figures.MapX, _figures.MapY, groups, g => $"group {g}", "map", _figures.MapName);

    /// <summary>Inside the data area (the legend is outside), every group's palette colour covers marker-sized areas, more where the group is larger.</summary>
    private void AssertGroupsHaveTheirColours(int[] groups)
    {
        var (png, area) = Map(groups);
        using var bitmap = SKBitmap.Decode(png);
        var counts = new Dictionary<SKColor, int>();
        for (var y = (int)area.Top; y < (int)area.Bottom; y++)
        {
            for (var x = (int)area.Left; x < (int)area.Right; x++)
            {
                var pixel = bitmap.GetPixel(x, y);
                counts[pixel] = counts.GetValueOrDefault(pixel) + 1;
            }
        }
        var ids = groups.Distinct().Order().ToArray();
        var colours = ids.Select((_, rank) => ClusterColors.Of(rank, ids.Length)).Select(c => new SKColor(c.R, c.G, c.B, c.A)).ToArray();
        Assert.That(colours.Distinct().Count(), Is.EqualTo(ids.Length), "one colour per group");
        for (var rank = 0; rank < ids.Length; rank++)
        {
            var members = groups.Count(g => g == ids[rank]);
            // A 6-pixel marker has a solid core of well over 10 pixels; overlap hides some, never most.
            Assert.That(counts.GetValueOrDefault(colours[rank]), Is.GreaterThan(Math.Min(members, 20) * 4),
                $"group {ids[rank]} ({members} points) in {colours[rank]}");
        }
    }

    [Test]
    public void The_decoded_centroid_grid_has_one_distinct_tile_per_cluster()
    {
        Assert.That(_figures.DecodedTitle, Is.EqualTo("Decoded centroids"), "DKM clusters its raw embedding: its centroids decode");
        var k = _fitted.Model.Clusters;
        Assert.That(_figures.Decoded, Has.Count.EqualTo(k));
        var (png, layout) = ImageGrid.Render(_figures.Decoded!.Chunk(10).Select(r => (IReadOnlyList<Tile>)r).ToList(), _figures.Shape!, "t");
        using var bitmap = SKBitmap.Decode(png);
        var tiles = Enumerable.Range(0, k).Select(c =>
        {
            var (x, y, size) = layout.TileAt(c / 10, c % 10);
            return Enumerable.Range(0, size * size).Select(p => bitmap.GetPixel(x + p % size, y + p / size).Red).ToArray();
        }).ToList();
        Assert.That(tiles.All(t => t.Distinct().Count() > 2), "each tile is an image, not a flat square");
        for (var a = 0; a < k; a++)
        {
            for (var b = a + 1; b < k; b++)
            {
                Assert.That(tiles[a], Is.Not.EqualTo(tiles[b]), $"tiles {a} and {b}");
            }
        }
    }

    [Test]
    public void A_normalised_embedding_decodes_each_clusters_mean_embedding()
    {
        // DEC clusters the embedding put on a sphere: its centroids are not codes the decoder reads.
        var method = Manifests.Services().Loader.Load(Path.Combine(TestPaths.RepositoryRoot, "manifests", "dec.json"), s_quick);
        using var fitted = Manifests.Runner(TextWriter.Null).Fit(method, epochLimit: 1);
        var sizes = fitted.Result.ClusterSizes;
        var figures = RunFigures.Gather(fitted.Model, _data, fitted.Result.Assignments, RunWriter.Json(fitted.Result), MapProjection.Pca, TextWriter.Null);
        Assert.That(figures.DecodedTitle, Does.StartWith("Decoded cluster means"));
        Assert.That(figures.Decoded, Has.Count.EqualTo(sizes.Count(s => s > 0)));
        Assert.That(figures.CentreName, Is.EqualTo("centroids"), "the sample grid still measures from DEC's centroids");
    }

    [Test]
    public void The_sample_grid_has_a_row_per_cluster_of_its_own_members_nearest_first()
    {
        var sizes = _fitted.Result.ClusterSizes;
        Assert.That(_figures.Nearest!.Select(r => r.Cluster), Is.EqualTo(Enumerable.Range(0, sizes.Length).Where(c => sizes[c] > 0)));
        Assert.That(_figures.Nearest!.Select(r => r.Samples.Count),
            Is.EqualTo(sizes.Where(s => s > 0).Select(s => Math.Min(s, RunFigures.SamplesPerCluster))));
        // Every tile is a raw sample of its own cluster.
        var raw = _data.Features.reshape(_data.Count, -1).data<float>().ToArray();
        var width = _figures.Shape!.Pixels;
        foreach (var (cluster, samples) in _figures.Nearest!)
        {
            foreach (var tile in samples)
            {
                var matches = Enumerable.Range(0, _data.Count).Where(i => raw.AsSpan(i * width, width).SequenceEqual(tile.Pixels)).ToList();
                Assert.That(matches.Any(i => _figures.Clusters[i] == cluster), $"a tile of cluster {cluster}");
            }
        }
    }

    [Test]
    public void The_confusion_diagonal_holds_the_matched_counts()
    {
        var labels = _figures.Labels!;
        var matrix = ConfusionMatrix.Build(labels, _figures.Clusters);
        var matching = ClusteringMetrics.MatchedLabels(labels, _figures.Clusters);
        for (var i = 0; i < matrix.Matched; i++)
        {
            var (label, cluster) = (matrix.Labels[i], matrix.Clusters[i]);
            Assert.That(matching[cluster], Is.EqualTo(label));
            Assert.That(matrix.Counts[i, i], Is.EqualTo(Enumerable.Range(0, labels.Length).Count(s => labels[s] == label && _figures.Clusters[s] == cluster)));
        }
        Assert.That(matrix.Diagonal / (double)labels.Length, Is.EqualTo(_fitted.Result.Metrics!.Accuracy).Within(1e-12));
    }

    [Test]
    public void Training_curves_come_from_the_epochs_result_json_records()
    {
        var points = TrainingCurvesPlot.Points(_figures.Result);
        Assert.That(points, Has.Count.EqualTo(_fitted.Result.Phases.Sum(p => p.EpochsRun)));
        Assert.That(points.Select(p => p.RunEpoch), Is.EqualTo(Enumerable.Range(1, points.Count)));
        Assert.That(points.All(p => p.Acc is > 0 and <= 1), "log.metricsEvery=1 measures ACC every epoch");
        Assert.That(points[0].NonClusteringLoss, Is.GreaterThan(0));
    }

    [Test]
    public void The_html_report_embeds_every_picture_and_shows_the_metrics_and_blocks()
    {
        var html = RunReport.Html(_figures.Result, [.. _pictures.Values]);
        foreach (var picture in _pictures.Values)
        {
            Assert.That(html, Does.Contain("data:image/png;base64," + Convert.ToBase64String(picture.Png)), picture.File);
        }
        var metrics = _fitted.Result.Metrics!;
        Assert.That(html, Does.Contain($"<td>{metrics.Accuracy:F4}</td><td>{metrics.Nmi:F4}</td><td>{metrics.Ari:F4}</td>"));
        Assert.That(html, Does.Contain("<td>branch</td><td>mlp-autoencoder</td>"));
        Assert.That(html, Does.Contain("<td>clustering loss</td><td>"));
        Assert.That(html, Does.Not.Contain("src=\"plots/"), "self-contained");
    }

    [Test]
    public void The_markdown_report_links_every_picture()
    {
        var markdown = RunReport.Markdown(_figures.Result, [.. _pictures.Values]);
        foreach (var picture in _pictures.Values)
        {
            Assert.That(markdown, Does.Contain($"](plots/{picture.File})"));
        }
        Assert.That(markdown, Does.Contain($"| {_fitted.Result.Metrics!.Accuracy:F4} |"));
    }
}
