namespace Taxonomy.Blocks.Statistics;

/// <summary>
/// Hartigan's dip of a sample and its modal interval. <see cref="Value"/> is on R diptest's scale: the largest distance
/// between the empirical distribution function and the nearest unimodal one, so in [1/(2n), 1/4] for n ≥ 2 (1/2 for
/// n = 1). <see cref="ModalLow"/> and <see cref="ModalHigh"/> are 0-based indices into the sorted sample of the ends of
/// the modal interval (R's <c>dip(x, full.result = TRUE)$lo.hi</c> minus 1).
/// </summary>
public readonly record struct DipStatistic(double Value, int ModalLow, int ModalHigh);

/// <summary>
/// The dip statistic by Hartigan's algorithm AS 217 (P. M. Hartigan 1985, Applied Statistics 34: 320–325; the test is
/// J. A. and P. M. Hartigan 1985, Annals of Statistics 13: 70–84), as R diptest computes it: the greatest convex
/// minorant (GCM) and least concave majorant (LCM) of the empirical distribution function are built once, then the
/// modal interval [low, high] shrinks to where they are farthest apart while the dip outside it is measured. Linear
/// after sorting; distances are counted in points (2n·dip) until the end, as R's code does, so ties and the
/// floating-point operations match R's.
/// </summary>
public static class HartiganDip
{
    /// <summary>The dip of an unsorted sample (sorted here; the modal interval indexes the sorted copy).</summary>
    public static DipStatistic Compute(ReadOnlySpan<double> sample, bool minIsZero = false)
    {
        var sorted = sample.ToArray();
        Array.Sort(sorted);
        return OfSorted(sorted, minIsZero);
    }

    /// <summary>
    /// The dip of an ascending sample. <paramref name="minIsZero"/> is R's <c>min.is.0</c>: the search starts from a
    /// dip of 0 instead of 1/(2n), so samples with no dip at all (n = 1, all values equal, evenly spaced points) report
    /// 0; otherwise the two agree. ClustPy starts from 0 too.
    /// </summary>
    public static DipStatistic OfSorted(ReadOnlySpan<double> x, bool minIsZero = false)
    {
        var n = x.Length;
        if (n == 0)
        {
            throw new ArgumentException("the dip of an empty sample is undefined", nameof(x));
        }
        for (var i = 1; i < n; i++)
        {
            if (!(x[i] >= x[i - 1]))
            {
                throw new ArgumentException($"the sample must be sorted ascending and free of NaN; it is not at index {i}", nameof(x));
            }
        }
        if (!double.IsFinite(x[0]) || !double.IsFinite(x[n - 1]))
        {
            throw new ArgumentException("the sample must be finite", nameof(x));
        }
        double dipInPoints = minIsZero ? 0 : 1;
        int low = 0, high = n - 1;
        if (n >= 2 && x[n - 1] != x[0])
        {
            (dipInPoints, low, high) = Search(x, dipInPoints, minIsZero);
        }
        return new DipStatistic(dipInPoints / (2.0 * n), low, high);
    }

    private static (double DipInPoints, int Low, int High) Search(ReadOnlySpan<double> x, double dip, bool minIsZero)
    {
        var n = x.Length;
        var minorantPrevious = MinorantLinks(x);
        var majorantNext = MajorantLinks(x);
        var gcm = new int[n];
        var lcm = new int[n];
        int low = 0, high = n - 1;
        while (true)
        {
            // GCM vertices from high down to low, LCM vertices from low up to high.
            var gcmCount = Chain(gcm, high, v => v > low, minorantPrevious);
            var lcmCount = Chain(lcm, low, v => v < high, majorantNext);

            var (distance, gcmCut, lcmCut) = gcmCount == 2 && lcmCount == 2
                ? (minIsZero ? 0.0 : 1.0, gcmCount - 1, lcmCount - 1)
                : LargestGap(x, gcm, gcmCount, lcm, lcmCount);
            if (distance < dip)
            {
                break;
            }

            // The dip outside the narrowed interval: below gcm[gcmCut] on the GCM, above lcm[lcmCut] on the LCM.
            var dipBelow = 0.0;
            for (var j = gcmCut; j < gcmCount - 1; j++)
            {
                dipBelow = Math.Max(dipBelow, SegmentDip(x, gcm[j + 1], gcm[j], minorant: true));
            }
            var dipAbove = 0.0;
            for (var j = lcmCut; j < lcmCount - 1; j++)
            {
                dipAbove = Math.Max(dipAbove, SegmentDip(x, lcm[j], lcm[j + 1], minorant: false));
            }
            dip = Math.Max(dip, Math.Max(dipBelow, dipAbove));

            // Without this stop the search can cycle on unimodal data (Maechler's 1994 fix of AS 217).
            if (low == gcm[gcmCut] && high == lcm[lcmCut])
            {
                break;
            }
            low = gcm[gcmCut];
            high = lcm[lcmCut];
        }
        return (dip, low, high);
    }

    /// <summary>
    /// For each j the GCM vertex before j in the GCM of x[0..j] (a stack walk: collinear points are dropped, so a run
    /// of equally spaced points is one segment).
    /// </summary>
    private static int[] MinorantLinks(ReadOnlySpan<double> x)
    {
        var previous = new int[x.Length];
        for (var j = 1; j < x.Length; j++)
        {
            var p = j - 1;
            while (p != 0 && !((x[j] - x[p]) * (p - previous[p]) < (x[p] - x[previous[p]]) * (j - p)))
            {
                p = previous[p];
            }
            previous[j] = p;
        }
        return previous;
    }

    /// <summary>For each k the LCM vertex after k in the LCM of x[k..n−1]; the mirror of <see cref="MinorantLinks"/>.</summary>
    private static int[] MajorantLinks(ReadOnlySpan<double> x)
    {
        var last = x.Length - 1;
        var next = new int[x.Length];
        next[last] = last;
        for (var k = last - 1; k >= 0; k--)
        {
            var p = k + 1;
            while (p != last && !((x[k] - x[p]) * (p - next[p]) < (x[p] - x[next[p]]) * (k - p)))
            {
                p = next[p];
            }
            next[k] = p;
        }
        return next;
    }

    /// <summary>Follows <paramref name="links"/> from <paramref name="start"/> while <paramref name="goOn"/>; returns the vertex count.</summary>
    private static int Chain(int[] vertices, int start, Func<int, bool> goOn, int[] links)
    {
        var count = 0;
        vertices[count++] = start;
        while (goOn(vertices[count - 1]))
        {
            vertices[count] = links[vertices[count - 1]];
            count++;
        }
        return count;
    }

    /// <summary>
    /// The largest vertical distance (in points) between GCM and LCM, walking both from low to high, and where it lies:
    /// the GCM vertex index and LCM vertex index that become the new modal interval's ends. Ties go to the later pair.
    /// </summary>
    private static (double Distance, int GcmCut, int LcmCut) LargestGap(ReadOnlySpan<double> x, int[] gcm, int gcmCount, int[] lcm, int lcmCount)
    {
        var distance = 0.0;
        int gcmCut = gcmCount - 1, lcmCut = lcmCount - 1;
        int ix = gcmCount - 2, iv = 1;
        do
        {
            int g = gcm[ix], l = lcm[iv];
            double gap;
            if (g > l)
            {
                // The next vertex is the LCM's: its height above the GCM segment below it.
                var gb = gcm[ix + 1];
                gap = (l - gb + 1) - (x[l] - x[gb]) * (g - gb) / (x[g] - x[gb]);
                iv++;
                if (gap >= distance)
                {
                    (distance, gcmCut, lcmCut) = (gap, ix + 1, iv - 1);
                }
            }
            else
            {
                // The next vertex is the GCM's: its depth below the LCM segment above it.
                var lb = lcm[iv - 1];
                gap = (x[g] - x[lb]) * (l - lb) / (x[l] - x[lb]) - (g - lb - 1);
                ix--;
                if (gap >= distance)
                {
                    (distance, gcmCut, lcmCut) = (gap, ix + 1, iv);
                }
            }
            ix = Math.Max(ix, 0);
            iv = Math.Min(iv, lcmCount - 1);
        }
        while (gcm[ix] != lcm[iv]);
        return (distance, gcmCut, lcmCut);
    }

    /// <summary>
    /// The largest distance (in points, at least 1) of the empirical distribution function from the straight segment
    /// from x[from] to x[to]: above a GCM segment (<paramref name="minorant"/>) or below an LCM segment.
    /// </summary>
    private static double SegmentDip(ReadOnlySpan<double> x, int from, int to, bool minorant)
    {
        var largest = 1.0;
        if (to - from > 1 && x[to] != x[from])
        {
            var pointsPerUnit = (to - from) / (x[to] - x[from]);
            for (var j = from; j <= to; j++)
            {
                var t = minorant
                    ? (j - from + 1) - (x[j] - x[from]) * pointsPerUnit
                    : (x[j] - x[from]) * pointsPerUnit - (j - from - 1);
                largest = Math.Max(largest, t);
            }
        }
        return largest;
    }
}
