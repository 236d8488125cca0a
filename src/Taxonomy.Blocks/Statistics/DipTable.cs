using System.Globalization;

namespace Taxonomy.Blocks.Statistics;

/// <summary>
/// The p-value of a dip by interpolation in R diptest's table of dip quantiles under the uniform null
/// (<c>qDiptab</c>, diptest 0.76.0, exported to qDiptab.csv by export-qDiptab.R beside this file), the way
/// <c>dip.test(x, simulate.p.value = FALSE)</c> does it: the quantile rows of the two tabulated sample sizes around n,
/// scaled by √n, are interpolated linearly in n, and √n·D is looked up in the result by linear interpolation in the
/// probability (R's <c>approx(rule = 2)</c>: clamped at the ends, tied quantiles merged into the mean probability).
/// </summary>
internal sealed class DipTable
{
    private const string Resource = "Taxonomy.Statistics.qDiptab.csv";

    private DipTable(int[] sizes, double[] probabilities, double[][] quantiles)
    {
        Sizes = sizes;
        Probabilities = probabilities;
        Quantiles = quantiles;
    }

    /// <summary>The table shipped with the assembly.</summary>
    public static DipTable Shipped { get; } = Load();

    /// <summary>The tabulated sample sizes, ascending (4 … 72,000).</summary>
    public int[] Sizes { get; }

    /// <summary>The tabulated probabilities, ascending (0 … 1).</summary>
    public double[] Probabilities { get; }

    /// <summary>Quantiles[i][k]: the Probabilities[k]-quantile of the dip of Sizes[i] uniform points.</summary>
    public double[][] Quantiles { get; }

    /// <summary>
    /// P(dip of n uniform points ≥ <paramref name="dip"/>). 1 for n ≤ 3, as R; above the largest tabulated n the last
    /// row serves as the asymptote, as R (R itself fails at n = 72,000 exactly, the last row, which is used here).
    /// </summary>
    public double PValue(double dip, int n)
    {
        if (n <= 3)
        {
            return 1;
        }
        var last = Sizes.Length - 1;
        var lower = n >= Sizes[last] ? last : Array.FindLastIndex(Sizes, size => size <= n);
        var upper = Math.Min(lower + 1, last);
        double n0 = Sizes[lower], n1 = Sizes[upper];
        var fraction = upper == lower ? 0 : (n - n0) / (n1 - n0);
        var scaled = new double[Probabilities.Length];
        for (var k = 0; k < scaled.Length; k++)
        {
            var y0 = Math.Sqrt(n0) * Quantiles[lower][k];
            var y1 = Math.Sqrt(n1) * Quantiles[upper][k];
            scaled[k] = y0 + fraction * (y1 - y0);
        }
        return 1 - Interpolate(scaled, Probabilities, Math.Sqrt(n) * dip);
    }

    /// <summary>Linear interpolation of y over x at v, clamped at both ends; equal x values share the mean of their y.</summary>
    private static double Interpolate(double[] x, double[] y, double v)
    {
        var order = Enumerable.Range(0, x.Length).OrderBy(i => x[i]).ToArray();
        var knots = order.GroupBy(i => x[i]).Select(tie => (X: tie.Key, Y: tie.Average(i => y[i]))).ToArray();
        if (v < knots[0].X)
        {
            return knots[0].Y;
        }
        if (v > knots[^1].X)
        {
            return knots[^1].Y;
        }
        int lo = 0, hi = knots.Length - 1;
        while (lo < hi - 1)
        {
            var mid = (lo + hi) / 2;
            if (v < knots[mid].X)
            {
                hi = mid;
            }
            else
            {
                lo = mid;
            }
        }
        if (v == knots[hi].X)
        {
            return knots[hi].Y;
        }
        if (v == knots[lo].X)
        {
            return knots[lo].Y;
        }
        return knots[lo].Y + (knots[hi].Y - knots[lo].Y) * ((v - knots[lo].X) / (knots[hi].X - knots[lo].X));
    }

    private static DipTable Load()
    {
        using var stream = typeof(DipTable).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException($"the dip quantile table {Resource} is not embedded in {typeof(DipTable).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        var lines = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => !line.StartsWith('#')).ToArray();
        static double[] Numbers(string line) => line.Split(',').Skip(1)
            .Select(cell => double.Parse(cell, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();
        var rows = lines.Skip(1).ToArray();
        return new DipTable(
            rows.Select(row => int.Parse(row[..row.IndexOf(',')], CultureInfo.InvariantCulture)).ToArray(),
            Numbers(lines[0]),
            rows.Select(Numbers).ToArray());
    }
}
