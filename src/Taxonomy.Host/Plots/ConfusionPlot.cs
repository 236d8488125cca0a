using ScottPlot;

namespace Taxonomy.Host.Plots;

/// <summary>The confusion matrix of labels against matched clusters as a heat map, each cell with its count.</summary>
public static class ConfusionPlot
{
    public const int Width = 900;
    public const int Height = 800;

    public static byte[] Render(ConfusionMatrix matrix, Func<int, string> labelName, string title)
    {
        var (rows, columns) = (matrix.Counts.GetLength(0), matrix.Counts.GetLength(1));
        var intensities = new double[rows, columns];
        var largest = 1;
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                intensities[r, c] = matrix.Counts[r, c];
                largest = Math.Max(largest, matrix.Counts[r, c]);
            }
        }
        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(intensities);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        // Cell (r, c) centred on (c, rows − 1 − r): row 0 at the top, as a table reads.
        heatmap.Position = new CoordinateRect(0, columns - 1, 0, rows - 1);
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                var count = matrix.Counts[r, c];
                var text = plot.Add.Text(count.ToString(System.Globalization.CultureInfo.InvariantCulture), c, rows - 1 - r);
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontSize = Math.Clamp(240f / Math.Max(rows, columns), 8, 16);
                // Viridis is dark at the bottom: white figures there, black on the bright end.
                text.LabelFontColor = count > largest * 0.6 ? Colors.Black : Colors.White;
            }
        }
        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, columns).Select(c => (double)c)],
            [.. matrix.Clusters.Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        plot.Axes.Left.SetTicks([.. Enumerable.Range(0, rows).Select(r => (double)(rows - 1 - r))], [.. matrix.Labels.Select(labelName)]);
        plot.Axes.Margins(0, 0);
        plot.Add.ColorBar(heatmap);
        plot.Title(title);
        plot.XLabel("cluster (matched to the label of its row)");
        plot.YLabel("label");
        return Png.Of(plot, Width, Height);
    }
}
