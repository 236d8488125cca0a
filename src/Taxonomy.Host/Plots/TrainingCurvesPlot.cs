using System.Text.Json.Nodes;
using ScottPlot;

namespace Taxonomy.Host.Plots;

/// <summary>
/// The losses of every epoch (left axis) and ACC/NMI where they were measured (right axis, 0–1), over the epochs of the
/// whole run, with a line where each phase begins. Read from result.json's phases[].epochs.
/// </summary>
public static class TrainingCurvesPlot
{
    public const int Width = 1000;
    public const int Height = 600;

    /// <summary>One epoch of the run: its place on the x axis (counted over all phases) and what was recorded.</summary>
    public sealed record Point(int RunEpoch, string Phase, double NonClusteringLoss, double ClusteringLoss, double? Acc, double? Nmi);

    /// <summary>Every recorded epoch of result.json's phases, in order.</summary>
    public static IReadOnlyList<Point> Points(JsonObject result)
    {
        var points = new List<Point>();
        foreach (var phase in (result["phases"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var name = phase["name"]?.GetValue<string>() ?? "?";
            foreach (var epoch in (phase["epochs"] as JsonArray ?? []).OfType<JsonObject>())
            {
                points.Add(new Point(points.Count + 1, name, Number(epoch, "nonClusteringLoss") ?? 0, Number(epoch, "clusteringLoss") ?? 0,
                    Number(epoch, "acc"), Number(epoch, "nmi")));
            }
        }
        return points;
    }

    /// <summary>The curves, or null when result.json records no epoch (a cached pre-training only, or an older run).</summary>
    public static byte[]? Render(JsonObject result, string title)
    {
        var points = Points(result);
        if (points.Count == 0)
        {
            return null;
        }
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var losses = new (Func<Point, double?> Value, string Name)[] { (p => p.NonClusteringLoss, "non-clustering loss"), (p => p.ClusteringLoss, "clustering loss") };
        // Each loss per phase: a phase that does not train a loss records 0 for it, which is no point of its curve.
        var segments = losses.SelectMany((loss, i) => points.GroupBy(p => p.Phase)
            .Select(phase => (Points: phase.ToList(), loss.Value, loss.Name, Color: palette.GetColor(i)))
            .Where(s => s.Points.Any(p => s.Value(p) != 0))).ToList();
        var values = segments.SelectMany(s => s.Points.Select(p => s.Value(p)!.Value)).ToList();
        // Losses of different terms and phases can differ by orders of magnitude (DEC's KL against the pre-training's MSE).
        var logarithmic = values.Count > 0 && values.All(v => v > 0) && values.Max() / values.Min() > 100;
        var named = new HashSet<string>();
        foreach (var segment in segments)
        {
            AddCurve(plot, segment.Points, p => segment.Value(p) is { } v && logarithmic ? Math.Log10(v) : segment.Value(p),
                named.Add(segment.Name) ? segment.Name : null, segment.Color, plot.Axes.Left);
        }
        var measured = AddCurve(plot, points, p => p.Acc, "ACC", palette.GetColor(2), plot.Axes.Right)
                       | AddCurve(plot, points, p => p.Nmi, "NMI", palette.GetColor(3), plot.Axes.Right);
        foreach (var start in points.Where((p, i) => i == 0 || points[i - 1].Phase != p.Phase))
        {
            var line = plot.Add.VerticalLine(start.RunEpoch - 0.5);
            line.Color = Colors.Gray;
            line.LinePattern = LinePattern.Dashed;
            line.Text = start.Phase;
            line.LabelOppositeAxis = true;   // above the data, where no tick labels are
        }
        plot.Axes.Top.MinimumSize = 30;   // room for the phase labels below the title
        plot.Title(title);
        plot.XLabel("epoch (over all phases)");
        plot.YLabel(logarithmic ? "mean loss per batch (log scale)" : "mean loss per batch");
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        if (logarithmic)
        {
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
            {
                LabelFormatter = y => Math.Pow(10, y).ToString("g3", System.Globalization.CultureInfo.InvariantCulture),
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                IntegerTicksOnly = true,
            };
        }
        if (measured)
        {
            plot.Axes.Right.Label.Text = "ACC, NMI (quick assignments)";
            plot.Axes.SetLimitsY(0, 1, plot.Axes.Right);
        }
        plot.Axes.SetLimitsX(-0.02 * points.Count, 1.02 * points.Count + 1);   // the first phase line just inside the axes
        plot.ShowLegend(Edge.Right);   // outside: inside, it covers the late epochs, where the curves settle
        return Png.Of(plot, Width, Height);
    }

    /// <summary>Adds the curve of the epochs that have a value; false when none has.</summary>
    private static bool AddCurve(Plot plot, IReadOnlyList<Point> points, Func<Point, double?> value, string? name, Color color, IYAxis axis)
    {
        var kept = points.Where(p => value(p) is { } v && double.IsFinite(v)).ToList();
        if (kept.Count == 0)
        {
            return false;
        }
        var curve = plot.Add.Scatter(kept.Select(p => (double)p.RunEpoch).ToArray(), kept.Select(p => value(p)!.Value).ToArray());
        curve.Color = color;
        if (name is not null)
        {
            curve.LegendText = name;
        }
        curve.MarkerSize = kept.Count <= 60 ? 5 : 0;
        curve.Axes.YAxis = axis;
        return true;
    }

    private static double? Number(JsonObject json, string field) =>
        json[field] is JsonValue value && value.TryGetValue(out double number) ? number : null;
}
