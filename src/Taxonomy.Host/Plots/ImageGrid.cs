using SkiaSharp;

namespace Taxonomy.Host.Plots;

/// <summary>A grey image of a sample (h × w values, row-major) and the caption above its tile, if any.</summary>
public sealed record Tile(float[] Pixels, string? Caption = null);

/// <summary>The height and width of image samples: [1, h, w], [h, w], or flat vectors of a square length (64, 784).</summary>
public sealed record ImageShape(int Height, int Width)
{
    /// <summary>The image shape of samples of <paramref name="sampleShape"/>, or null when they are not grey images.</summary>
    public static ImageShape? Of(long[] sampleShape) => sampleShape switch
    {
        [1, var h, var w] => new((int)h, (int)w),
        [var h, var w] when h > 1 && w > 1 => new((int)h, (int)w),
        [var d] when Math.Sqrt(d) is var side && side == Math.Floor(side) && side >= 4 => new((int)side, (int)side),
        _ => null,
    };

    public int Pixels => Height * Width;
}

/// <summary>
/// Rows of image tiles drawn with SkiaSharp: a title, an optional title at the left of each row, an optional caption
/// above each tile. Each tile is scaled to its own range (min black, max white), nearest-neighbour enlarged.
/// </summary>
public static class ImageGrid
{
    private const int Margin = 12;
    private const int Gap = 6;
    private const int TitleHeight = 34;

    /// <summary>Where things are drawn, for tests that read the picture back.</summary>
    public sealed record Layout(int Width, int Height, int Left, int Top, int TileSize, int CaptionHeight)
    {
        /// <summary>The pixel rectangle (x, y, size) of tile <paramref name="column"/> of row <paramref name="row"/>.</summary>
        public (int X, int Y, int Size) TileAt(int row, int column) =>
            (Left + column * (TileSize + Gap), Top + row * (TileSize + CaptionHeight + Gap) + CaptionHeight, TileSize);
    }

    public static (byte[] Png, Layout Layout) Render(IReadOnlyList<IReadOnlyList<Tile>> rows, ImageShape shape, string title,
        IReadOnlyList<string>? rowTitles = null)
    {
        var scale = Math.Max(1, (int)Math.Ceiling(96.0 / Math.Max(shape.Height, shape.Width)));
        var tileSize = Math.Max(shape.Height, shape.Width) * scale;
        using var typeface = SKTypeface.FromFamilyName(ScottPlot.Fonts.Default) ?? SKTypeface.Default;
        using var titleFont = new SKFont(typeface, 18);
        using var font = new SKFont(typeface, 13);
        var captions = rows.Any(r => r.Any(t => t.Caption is not null));
        var captionHeight = captions ? 18 : 0;
        var left = Margin + (rowTitles is null ? 0 : (int)Math.Ceiling(rowTitles.Max(t => font.MeasureText(t))) + Gap);
        var columns = Math.Max(1, rows.Max(r => r.Count));
        var width = Math.Max(left + columns * (tileSize + Gap) - Gap + Margin, (int)titleFont.MeasureText(title) + 2 * Margin);
        var layout = new Layout(width, 0, left, Margin + TitleHeight, tileSize, captionHeight);
        layout = layout with { Height = layout.Top + rows.Count * (tileSize + captionHeight + Gap) - Gap + Margin };

        using var bitmap = new SKBitmap(layout.Width, layout.Height);
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        canvas.DrawText(title, Margin, Margin + 20, SKTextAlign.Left, titleFont, ink);
        for (var r = 0; r < rows.Count; r++)
        {
            if (rowTitles is not null)
            {
                var (_, y, size) = layout.TileAt(r, 0);
                canvas.DrawText(rowTitles[r], Margin, y + size / 2f + 5, SKTextAlign.Left, font, ink);
            }
            for (var c = 0; c < rows[r].Count; c++)
            {
                var (x, y, size) = layout.TileAt(r, c);
                using var image = Grey(rows[r][c].Pixels, shape);
                canvas.DrawImage(image, new SKRect(x, y, x + shape.Width * scale, y + shape.Height * scale), new SKSamplingOptions(SKFilterMode.Nearest));
                if (rows[r][c].Caption is { } caption)
                {
                    canvas.DrawText(caption, x + size / 2f, y - 5, SKTextAlign.Center, font, ink);
                }
            }
        }
        using var snapshot = SKImage.FromBitmap(bitmap);
        using var png = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        return (png.ToArray(), layout);
    }

    /// <summary>One tile's pixels as an 8-bit grey image, min to black and max to white (a constant tile is mid-grey).</summary>
    internal static SKImage Grey(float[] pixels, ImageShape shape)
    {
        var (low, high) = (pixels.Min(), pixels.Max());
        var range = high - low;
        var bytes = pixels.Select(v => range > 0 ? (byte)Math.Round(255 * (v - low) / range) : (byte)128).ToArray();
        var info = new SKImageInfo(shape.Width, shape.Height, SKColorType.Gray8, SKAlphaType.Opaque);
        return SKImage.FromPixelCopy(info, bytes, shape.Width);
    }
}
