using SkiaSharp;
using Taxonomy.Abstractions.Results;

namespace Taxonomy.Host.Plots;

/// <summary>
/// A binary cluster tree drawn top-down with SkiaSharp: each node a box with its size, the leaves left to right in the
/// tree's order, the nodes of the cut at k filled with their cluster's colour (<see cref="ClusterColors"/>, as in the
/// maps) and the edges below them in it; under each leaf, optionally, a column of sample images framed in that colour.
/// </summary>
public static class ClusterTreePlot
{
    private const int Margin = 16;
    private const int TitleHeight = 56;
    private const int LevelHeight = 54;
    private const int BoxHeight = 20;
    private const int Gap = 6;

    /// <summary>Where things are drawn, for tests that read the picture back.</summary>
    /// <param name="Boxes">Per node id, its box (left, top, width, height).</param>
    /// <param name="Tiles">Per leaf node id, the rectangles (x, y, size) of its sample tiles, top to bottom.</param>
    public sealed record Layout(int Width, int Height, IReadOnlyDictionary<int, SKRectI> Boxes, IReadOnlyDictionary<int, IReadOnlyList<SKRectI>> Tiles);

    /// <param name="cut">The node ids of the cut at k (<see cref="ClusterTree.CutNodes"/>); node cut[i] is cluster i.</param>
    /// <param name="leafSamples">Per leaf node id, the sample images nearest its centre; null draws sizes only.</param>
    public static (byte[] Png, Layout Layout) Render(ClusterTree tree, int[] cut, IReadOnlyDictionary<int, IReadOnlyList<Tile>>? leafSamples,
        ImageShape? shape, string title)
    {
        var images = leafSamples is not null && shape is not null ? shape : null;
        var scale = images is null ? 0 : Math.Max(1, (int)Math.Ceiling(40.0 / Math.Max(images.Height, images.Width)));
        var tileSize = images is null ? 0 : Math.Max(images.Height, images.Width) * scale;
        var tilesPerLeaf = images is null ? 0 : leafSamples!.Values.Select(t => t.Count).DefaultIfEmpty(0).Max();
        var column = Math.Max(tileSize + 2 * Gap, 46);
        var order = LeavesInOrder(tree);
        var depth = Depths(tree);
        var centreX = new double[tree.Count];
        for (var i = 0; i < order.Count; i++)
        {
            centreX[order[i]] = Margin + (i + 0.5) * column;
        }
        foreach (var id in Enumerable.Range(0, tree.Count).OrderByDescending(id => depth[id]).Where(id => !tree.IsLeaf(id)))
        {
            centreX[id] = (centreX[tree.Nodes[id].Left] + centreX[tree.Nodes[id].Right]) / 2;
        }
        var cluster = ClusterOfNodes(tree, cut);
        using var typeface = SKTypeface.FromFamilyName(ScottPlot.Fonts.Default) ?? SKTypeface.Default;
        using var titleFont = new SKFont(typeface, 18);
        using var font = new SKFont(typeface, 12);
        var treeBottom = TitleHeight + depth.Max() * LevelHeight + BoxHeight;
        var width = Math.Max(2 * Margin + order.Count * column, (int)titleFont.MeasureText(title) + 2 * Margin);
        var height = treeBottom + (tilesPerLeaf > 0 ? Gap + tilesPerLeaf * (tileSize + Gap) : 0) + Margin;

        var boxes = new Dictionary<int, SKRectI>();
        for (var id = 0; id < tree.Count; id++)
        {
            var text = tree.Nodes[id].Size.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var boxWidth = (int)Math.Ceiling(font.MeasureText(text)) + 10;
            var top = TitleHeight + depth[id] * LevelHeight;
            boxes[id] = SKRectI.Create((int)Math.Round(centreX[id] - boxWidth / 2.0), top, boxWidth, BoxHeight);
        }
        var tiles = new Dictionary<int, IReadOnlyList<SKRectI>>();
        foreach (var leaf in order.Where(_ => tilesPerLeaf > 0))
        {
            var count = leafSamples!.TryGetValue(leaf, out var samples) ? samples.Count : 0;
            var x = (int)Math.Round(centreX[leaf] - tileSize / 2.0);
            tiles[leaf] = Enumerable.Range(0, count).Select(j => SKRectI.Create(x, treeBottom + Gap + j * (tileSize + Gap), tileSize, tileSize)).ToList();
        }
        var layout = new Layout(width, height, boxes, tiles);

        using var bitmap = new SKBitmap(width, height);
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        canvas.DrawText(title, Margin, Margin + 18, SKTextAlign.Left, titleFont, ink);
        canvas.DrawText($"node: its number of samples; filled: the {cut.Length} clusters of the cut at k, in the colours of the maps",
            Margin, Margin + 36, SKTextAlign.Left, font, ink);
        DrawEdges(canvas, tree, boxes, cluster, cut.Length);
        for (var id = 0; id < tree.Count; id++)
        {
            DrawNode(canvas, boxes[id], tree.Nodes[id].Size, cut.Contains(id) ? Colour(cluster[id], cut.Length) : null, font);
        }
        using var dashes = SKPathEffect.CreateDash([3, 3], 0);
        using var connector = new SKPaint { Color = SKColors.LightGray, Style = SKPaintStyle.Stroke, StrokeWidth = 1, PathEffect = dashes };
        foreach (var (leaf, rectangles) in tiles)
        {
            // A leaf above the deepest level is joined to its tiles, which all sit in one band under the tree.
            canvas.DrawLine(boxes[leaf].MidX, boxes[leaf].Bottom, boxes[leaf].MidX, treeBottom + 2, connector);
            using var frame = new SKPaint { Color = Colour(cluster[leaf], cut.Length), Style = SKPaintStyle.Stroke, StrokeWidth = 2 };
            for (var j = 0; j < rectangles.Count; j++)
            {
                using var image = ImageGrid.Grey(leafSamples![leaf][j].Pixels, images!);
                var r = rectangles[j];
                canvas.DrawImage(image, new SKRect(r.Left, r.Top, r.Left + images!.Width * scale, r.Top + images.Height * scale),
                    new SKSamplingOptions(SKFilterMode.Nearest));
                canvas.DrawRect(SKRect.Inflate(r, 1, 1), frame);   // the 2-px stroke just outside the tile
            }
        }
        using var snapshot = SKImage.FromBitmap(bitmap);
        using var png = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        return (png.ToArray(), layout);
    }

    /// <summary>The colour of cluster <paramref name="index"/> of <paramref name="clusters"/>, as the maps draw it.</summary>
    public static SKColor Colour(int index, int clusters) => ClusterColors.Of(index, clusters) is var c ? new SKColor(c.R, c.G, c.B) : default;

    private static void DrawNode(SKCanvas canvas, SKRectI box, int size, SKColor? fill, SKFont font)
    {
        using var background = new SKPaint { Color = fill ?? SKColors.White, Style = SKPaintStyle.Fill };
        using var border = new SKPaint { Color = fill ?? SKColors.Gray, Style = SKPaintStyle.Stroke, StrokeWidth = 1, IsAntialias = true };
        canvas.DrawRoundRect(box, 4, 4, background);
        canvas.DrawRoundRect(box, 4, 4, border);
        // White figures on the darker cut colours, black on white.
        var light = fill is { } f && f.Red * 0.299 + f.Green * 0.587 + f.Blue * 0.114 < 150;
        using var text = new SKPaint { Color = light ? SKColors.White : SKColors.Black, IsAntialias = true };
        canvas.DrawText(size.ToString(System.Globalization.CultureInfo.InvariantCulture), box.MidX, box.Top + 14.5f, SKTextAlign.Center, font, text);
    }

    /// <summary>Elbow edges from each split node to its children: in the cluster's colour below the cut, grey above it.</summary>
    private static void DrawEdges(SKCanvas canvas, ClusterTree tree, Dictionary<int, SKRectI> boxes, int[] cluster, int clusters)
    {
        foreach (var node in tree.Nodes.Where(n => !tree.IsLeaf(n.Id)))
        {
            var from = boxes[node.Id];
            foreach (var child in new[] { node.Left, node.Right })
            {
                var to = boxes[child];
                var colour = cluster[node.Id] >= 0 ? Colour(cluster[node.Id], clusters) : SKColors.Gray;
                using var pen = new SKPaint { Color = colour, Style = SKPaintStyle.Stroke, StrokeWidth = 1.5f, IsAntialias = true };
                var middle = (from.Bottom + to.Top) / 2f;
                using var path = new SKPath();
                path.MoveTo(from.MidX, from.Bottom);
                path.LineTo(from.MidX, middle);
                path.LineTo(to.MidX, middle);
                path.LineTo(to.MidX, to.Top);
                canvas.DrawPath(path, pen);
            }
        }
    }

    /// <summary>The leaves from left to right: left subtree before right.</summary>
    private static List<int> LeavesInOrder(ClusterTree tree)
    {
        var leaves = new List<int>();
        var stack = new Stack<int>([0]);
        while (stack.Count > 0)
        {
            var node = tree.Nodes[stack.Pop()];
            if (tree.IsLeaf(node.Id))
            {
                leaves.Add(node.Id);
                continue;
            }
            stack.Push(node.Right);
            stack.Push(node.Left);
        }
        return leaves;
    }

    private static int[] Depths(ClusterTree tree)
    {
        var depth = new int[tree.Count];
        // A parent is reached before its children from the root; the ids need not be in that order.
        var stack = new Stack<int>([0]);
        while (stack.Count > 0)
        {
            var node = tree.Nodes[stack.Pop()];
            if (!tree.IsLeaf(node.Id))
            {
                depth[node.Left] = depth[node.Right] = depth[node.Id] + 1;
                stack.Push(node.Left);
                stack.Push(node.Right);
            }
        }
        return depth;
    }

    /// <summary>The cluster (index into <paramref name="cut"/>) of every node at or below the cut; −1 above it.</summary>
    private static int[] ClusterOfNodes(ClusterTree tree, int[] cut)
    {
        var cluster = Enumerable.Repeat(-1, tree.Count).ToArray();
        for (var c = 0; c < cut.Length; c++)
        {
            var stack = new Stack<int>([cut[c]]);
            while (stack.Count > 0)
            {
                var node = tree.Nodes[stack.Pop()];
                cluster[node.Id] = c;
                if (!tree.IsLeaf(node.Id))
                {
                    stack.Push(node.Left);
                    stack.Push(node.Right);
                }
            }
        }
        return cluster;
    }
}
