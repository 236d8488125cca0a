using ScottPlot;

namespace Taxonomy.Host.Plots;

/// <summary>A 2-D map of the clustering features, one colour per group (cluster or label), with a legend.</summary>
public static class ClusterMapPlot
{
    public const int Width = 900;
    public const int Height = 700;

    /// <param name="groups">The group of every point; group g is drawn in <see cref="ClusterColors.Of"/>(g's rank among the groups).</param>
    /// <param name="name">The legend's name of a group.</param>
    /// <param name="axis">What the axes are, e.g. "t-SNE" (labelled "t-SNE 1", "t-SNE 2").</param>
    public static byte[] Render(double[] x, double[] y, int[] groups, Func<int, string> name, string title, string axis) =>
        Draw(x, y, groups, name, title, axis).Png;

    /// <summary>The map and where its data area lies in the picture (the legend is outside it).</summary>
    public static (byte[] Png, PixelRect DataArea) Draw(double[] x, double[] y, int[] groups, Func<int, string> name, string title, string axis)
    {
        var plot = new Plot();
        var ids = groups.Distinct().Order().ToArray();
        for (var rank = 0; rank < ids.Length; rank++)
        {
            var members = Enumerable.Range(0, groups.Length).Where(i => groups[i] == ids[rank]).ToArray();
            var points = plot.Add.ScatterPoints(members.Select(i => x[i]).ToArray(), members.Select(i => y[i]).ToArray());
            points.Color = ClusterColors.Of(rank, ids.Length);
            points.MarkerSize = MarkerSize(groups.Length);
            points.LegendText = $"{name(ids[rank])} ({members.Length})";
        }
        plot.Title(title);
        plot.XLabel($"{axis} 1");
        plot.YLabel($"{axis} 2");
        plot.ShowLegend(Edge.Right);
        var png = Png.Of(plot, Width, Height);
        return (png, plot.RenderManager.LastRender.DataRect);
    }

    /// <summary>Smaller markers for more points, so that dense maps still show their structure.</summary>
    private static float MarkerSize(int points) => points switch
    {
        <= 2_000 => 6,
        <= 10_000 => 4,
        _ => 2,
    };
}
