using System.Text.Json.Nodes;
using SkiaSharp;
using Taxonomy.Abstractions.Results;
using Taxonomy.Host.Plots;

namespace Taxonomy.Tests.Plots;

/// <summary>A hand-built tree of five leaves, cut at k = 3, drawn and read back pixel by pixel.</summary>
[TestFixture]
public sealed class ClusterTreePlotTests
{
    // Root 0 → 1, 2 (split first); 1 → 3, 4 (second); 2 → 5, 6 (third); 3 → 7, 8 (fourth). Leaves 4, 5, 6, 7, 8.
    private static readonly ClusterTree s_tree = new(
    [
        Node(0, -1, 1, 2, 100, 0), Node(1, 0, 3, 4, 45, 1), Node(2, 0, 5, 6, 55, 2), Node(3, 1, 7, 8, 30, 3),
        Node(4, 1, -1, -1, 15, -1), Node(5, 2, -1, -1, 25, -1), Node(6, 2, -1, -1, 30, -1),
        Node(7, 3, -1, -1, 10, -1), Node(8, 3, -1, -1, 20, -1),
    ]);

    private static readonly ImageShape s_shape = new(8, 8);

    private static ClusterTreeNode Node(int id, int parent, int left, int right, int size, int split) =>
        new(id, parent, left, right, [id, -id], size, split);

    /// <summary>Three tiles per leaf, each a ramp whose brightest pixel is its last, so the middle row is grey, never white.</summary>
    private static Dictionary<int, IReadOnlyList<Tile>> Samples() => s_tree.Leaves.ToDictionary(leaf => leaf,
        leaf => (IReadOnlyList<Tile>)Enumerable.Range(0, 3).Select(_ => new Tile([.. Enumerable.Range(0, 64).Select(v => (float)v)])).ToList());

    /// <summary>The stretches of non-white pixels along a row (or a column) of the picture.</summary>
    private static int Runs(SKBitmap bitmap, int fixedAt, bool alongRow)
    {
        var (runs, inside) = (0, false);
        for (var i = 0; i < (alongRow ? bitmap.Width : bitmap.Height); i++)
        {
            var pixel = alongRow ? bitmap.GetPixel(i, fixedAt) : bitmap.GetPixel(fixedAt, i);
            var ink = pixel != SKColors.White;
            runs += ink && !inside ? 1 : 0;
            inside = ink;
        }
        return runs;
    }

    [Test]
    public void Each_leaf_shows_its_samples_in_a_column_below_it()
    {
        var (png, layout) = ClusterTreePlot.Render(s_tree, s_tree.CutNodes(3), Samples(), s_shape, "tree");
        using var bitmap = SKBitmap.Decode(png);

        var firstRow = layout.Tiles[4][0];
        Assert.That(Runs(bitmap, firstRow.MidY, alongRow: true), Is.EqualTo(5), "one tile per leaf across the first row of tiles");
        foreach (var leaf in s_tree.Leaves)
        {
            var column = layout.Tiles[leaf][0].MidX;
            var below = layout.Tiles[leaf][0].Top - 3;   // under the dashed line joining a leaf to its tiles
            Assert.That(Enumerable.Range(below, bitmap.Height - below).Count(y => bitmap.GetPixel(column, y) != SKColors.White && bitmap.GetPixel(column, y - 1) == SKColors.White),
                Is.EqualTo(3), $"three tiles under leaf {leaf}");
        }
        Assert.That(layout.Tiles.Keys.Select(l => layout.Tiles[l][0].MidX).Order(), Is.Ordered.Ascending.And.Unique);
    }

    [Test]
    public void The_nodes_of_the_cut_are_filled_with_their_clusters_colours_and_the_others_are_white()
    {
        var cut = s_tree.CutNodes(3);
        Assert.That(cut, Is.EqualTo(new[] { 2, 3, 4 }), "the two earliest splits");

        var (png, layout) = ClusterTreePlot.Render(s_tree, cut, Samples(), s_shape, "tree");
        using var bitmap = SKBitmap.Decode(png);

        SKColor Fill(int node) => bitmap.GetPixel(layout.Boxes[node].Left + 3, layout.Boxes[node].MidY);
        for (var c = 0; c < cut.Length; c++)
        {
            Assert.That(Fill(cut[c]), Is.EqualTo(ClusterTreePlot.Colour(c, 3)), $"node {cut[c]}, cluster {c}");
        }
        Assert.That(new[] { 0, 1, 5, 6, 7, 8 }.Select(Fill), Is.All.EqualTo(SKColors.White), "nodes above or below the cut are not filled");
        Assert.That(Enumerable.Range(0, 3).Select(c => ClusterTreePlot.Colour(c, 3)).Distinct().Count(), Is.EqualTo(3));
        // Leaves 7 and 8 lie below node 3 (cluster 1): their tiles are framed in its colour.
        foreach (var leaf in new[] { 7, 8 })
        {
            var tile = layout.Tiles[leaf][1];
            Assert.That(bitmap.GetPixel(tile.Left - 2, tile.MidY), Is.EqualTo(ClusterTreePlot.Colour(1, 3)), $"frame of leaf {leaf}");
        }
    }

    [Test]
    public void Without_images_the_tree_shows_sizes_only()
    {
        var (png, layout) = ClusterTreePlot.Render(s_tree, s_tree.CutNodes(3), null, null, "tree");
        using var bitmap = SKBitmap.Decode(png);

        Assert.That(layout.Tiles, Is.Empty);
        Assert.That(bitmap.Height, Is.LessThan(layout.Boxes.Values.Max(b => b.Bottom) + 40), "no room kept for tiles");
        var root = layout.Boxes[0];
        Assert.That(Enumerable.Range(root.Left + 2, root.Width - 4).Any(x => Enumerable.Range(root.Top + 2, root.Height - 4)
            .Any(y => bitmap.GetPixel(x, y).Red < 100)), Is.True, "the root's size is written in its box");
    }

    [Test]
    public void A_run_with_a_hierarchy_gets_the_tree_picture_in_both_reports()
    {
        var result = new JsonObject { ["method"] = "DeepECT", ["k"] = 3, ["hierarchy"] = new JsonObject { ["tree"] = s_tree.ToJson() } };
        var clusters = Enumerable.Range(0, 100).Select(i => i % 3).ToArray();
        var figures = new RunFigures
        {
            Result = result, Dataset = "digits", Clusters = clusters, MapName = "PCA", Shape = s_shape,
            MapX = [.. clusters.Select(c => (double)c)], MapY = [.. clusters.Select(c => (double)-c)],
            Tree = ClusterTree.FromJson(result["hierarchy"]!["tree"]), LeafSamples = Samples(),
        };

        var pictures = RunPictures.Draw(figures);

        var tree = pictures.Single(p => p.File == RunPictures.Tree);
        Assert.That(tree.Caption, Does.Contain("the samples nearest each leaf's centre"));
        using var bitmap = SKBitmap.Decode(tree.Png);
        Assert.That(bitmap.Height, Is.EqualTo(ClusterTreePlot.Render(s_tree, [2, 3, 4], Samples(), s_shape, "t").Layout.Height), "drawn with the leaves' samples");
        Assert.That(RunReport.Markdown(result, pictures), Does.Contain("(plots/tree.png)"));
        Assert.That(RunReport.Html(result, pictures), Does.Contain("alt=\"The cluster tree"));
        Assert.That(RunPictures.Draw(figures with { Tree = null }).Select(p => p.File), Does.Not.Contain(RunPictures.Tree));
    }
}
