using ScottPlot;

namespace Taxonomy.Host.Plots;

/// <summary>A ScottPlot plot as PNG bytes, at a fixed size so that pictures of different runs compare.</summary>
internal static class Png
{
    public static byte[] Of(Plot plot, int width, int height) => plot.GetImage(width, height).GetImageBytes(ImageFormat.Png);
}
