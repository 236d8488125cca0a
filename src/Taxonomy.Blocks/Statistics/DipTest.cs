using TorchSharp;

namespace Taxonomy.Blocks.Statistics;

/// <summary>How the p-value of a dip is obtained.</summary>
public enum DipPValueMethod
{
    /// <summary>
    /// Interpolation in R diptest's quantile table, exactly as <c>dip.test(x, simulate.p.value = FALSE)</c>. ClustPy's
    /// "table" strategy (DipDECK's default) is the same interpolation except at n ≤ 9, where tied quantiles make
    /// numpy's <c>interp</c> take the last of the ties where R takes their mean, and above n = 72,000, where ClustPy
    /// switches to <see cref="Function"/>.
    /// </summary>
    Table,

    /// <summary>
    /// The sigmoid fitted to the dip's null distribution by Bauer et al. (SDM 2023), ClustPy's "function" strategy:
    /// 1 − 1 / (0.6 (1 + 1.6 e)^0.625 + 0.4 (1 + 0.2 e)^5) with e = exp(6.5 − b·D), b = 17.30784022 √n + 12.04917889.
    /// Smooth in D and defined for every n.
    /// </summary>
    Function,
}

/// <summary>A dip test's outcome: the statistic with its modal interval, the sample size and the p-value.</summary>
public readonly record struct DipTestResult(DipStatistic Statistic, int Count, double PValue)
{
    /// <summary>The dip, on R's scale (see <see cref="DipStatistic.Value"/>).</summary>
    public double Dip => Statistic.Value;
}

/// <summary>
/// Hartigan's dip test of unimodality: small p-values speak against a unimodal distribution. The null is the uniform
/// distribution, the least favourable unimodal one, as in Hartigan and Hartigan (1985).
/// </summary>
public static class DipTest
{
    /// <summary>The test on a one-dimensional sample (need not be sorted).</summary>
    public static DipTestResult Run(ReadOnlySpan<double> sample, DipPValueMethod method = DipPValueMethod.Table)
    {
        var statistic = HartiganDip.Compute(sample);
        return new DipTestResult(statistic, sample.Length, PValue(statistic.Value, sample.Length, method));
    }

    /// <summary>P(dip of n uniform points ≥ <paramref name="dip"/>); 1 for n ≤ 3 under either method, as R and ClustPy.</summary>
    public static double PValue(double dip, int n, DipPValueMethod method = DipPValueMethod.Table)
    {
        if (n <= 3)
        {
            return 1;
        }
        return method switch
        {
            DipPValueMethod.Table => DipTable.Shipped.PValue(dip, n),
            DipPValueMethod.Function => FittedPValue(dip, n),
            _ => throw new ArgumentOutOfRangeException(nameof(method), method, "unknown p-value method"),
        };
    }

    /// <summary>
    /// DipDECK's test of whether two clusters belong together: the union of their points [n_a, d] and [n_b, d] projected
    /// onto the axis through their centres [d], then the dip test of the projection. The modal interval indexes the
    /// sorted projection. The axis's length and direction do not change the dip.
    /// </summary>
    public static DipTestResult OfProjection(torch.Tensor pointsA, torch.Tensor pointsB, torch.Tensor centreA, torch.Tensor centreB,
        DipPValueMethod method = DipPValueMethod.Table)
    {
        using var scope = torch.NewDisposeScope();
        var axis = (centreA - centreB).to(torch.float64).cpu();
        var length = axis.norm().item<double>();
        if (!(length > 0))
        {
            throw new ArgumentException("the two centres coincide, so there is no axis to project onto", nameof(centreB));
        }
        var union = torch.cat([pointsA.to(torch.float64).cpu(), pointsB.to(torch.float64).cpu()], 0);
        var projected = union.matmul(axis / length).data<double>().ToArray();
        return Run(projected, method);
    }

    private static double FittedPValue(double dip, int n)
    {
        var b = 17.30784022 * Math.Sqrt(n) + 12.04917889;
        var e = Math.Exp(-b * dip + 6.5);
        return 1 - 1 / (0.6 * Math.Pow(1 + 1.6 * e, 0.625) + 0.4 * Math.Pow(1 + 0.2 * e, 5));
    }
}
