namespace Taxonomy.Blocks.Statistics;

/// <summary>
/// DipDECK's similarity of two clusters (Leiber et al. 2021, Sec. 3.2): the dip test's p-value of their members
/// projected onto the axis through their centres. A high p-value means the projection looks unimodal, so the two
/// clusters may be one. Where one cluster has more than <c>sizeRatio</c> times the members of the other, the test is
/// repeated with only the larger cluster's members nearest to the smaller cluster's centre (sizeRatio times the smaller
/// cluster's size, and at least 50 points in the pair), and the lower of the two p-values counts, as in ClustPy, so that
/// a small cluster at the edge of a large one is not hidden by the large one's bulk.
/// </summary>
public static class DipSimilarity
{
    /// <summary>The fewest points a reduced pair is tested on (ClustPy's minimum sample size).</summary>
    private const int MinimumPairSize = 50;

    /// <summary>
    /// The symmetric matrix [k, k] of dip p-values between every pair of clusters (0 on the diagonal).
    /// <paramref name="points"/> are the embedded samples, <paramref name="labels"/> their clusters 0…k−1 and
    /// <paramref name="centres"/> the clusters' centres.
    /// </summary>
    public static double[,] Matrix(double[][] points, int[] labels, double[][] centres, double sizeRatio,
        DipPValueMethod method = DipPValueMethod.Table)
    {
        var k = centres.Length;
        var members = Members(labels, k);
        var matrix = new double[k, k];
        for (var a = 0; a < k; a++)
        {
            for (var b = a + 1; b < k; b++)
            {
                matrix[a, b] = matrix[b, a] = PValue(points, members[a], members[b], centres[a], centres[b], sizeRatio, method);
            }
        }
        return matrix;
    }

    /// <summary>Row and column <paramref name="cluster"/> of <paramref name="matrix"/> computed afresh (after that cluster changed).</summary>
    public static void Refresh(double[,] matrix, int cluster, double[][] points, int[] labels, double[][] centres,
        double sizeRatio, DipPValueMethod method = DipPValueMethod.Table)
    {
        var members = Members(labels, centres.Length);
        for (var other = 0; other < centres.Length; other++)
        {
            if (other != cluster)
            {
                matrix[cluster, other] = matrix[other, cluster] = PValue(points, members[cluster], members[other],
                    centres[cluster], centres[other], sizeRatio, method);
            }
        }
    }

    /// <summary>The dip p-value of clusters A and B (member indices into <paramref name="points"/>).</summary>
    public static double PValue(double[][] points, int[] membersA, int[] membersB, double[] centreA, double[] centreB,
        double sizeRatio, DipPValueMethod method = DipPValueMethod.Table)
    {
        var axis = centreA.Select((value, d) => value - centreB[d]).ToArray();
        if (axis.All(value => value == 0))
        {
            return 1;   // coinciding centres: no axis separates the two clusters
        }
        var pValue = Projected(points, membersA.Concat(membersB), axis, method);
        var (larger, smaller, smallerCentre) = membersA.Length >= membersB.Length
            ? (membersA, membersB, centreB)
            : (membersB, membersA, centreA);
        if (larger.Length <= sizeRatio * smaller.Length)
        {
            return pValue;
        }
        var take = (int)(smaller.Length * sizeRatio);
        if (smaller.Length + take < MinimumPairSize)
        {
            take = Math.Min(MinimumPairSize - smaller.Length, larger.Length);
        }
        var nearest = larger.OrderBy(i => SquaredDistance(points[i], smallerCentre)).ThenBy(i => i).Take(take);
        return Math.Min(pValue, Projected(points, smaller.Concat(nearest), axis, method));
    }

    private static double Projected(double[][] points, IEnumerable<int> rows, double[] axis, DipPValueMethod method)
    {
        var projection = rows.Select(i => Dot(points[i], axis)).ToArray();
        return projection.Length <= 3 ? 1 : DipTest.Run(projection, method).PValue;
    }

    private static int[][] Members(int[] labels, int k)
    {
        var lists = Enumerable.Range(0, k).Select(_ => new List<int>()).ToArray();
        for (var i = 0; i < labels.Length; i++)
        {
            lists[labels[i]].Add(i);
        }
        return lists.Select(list => list.ToArray()).ToArray();
    }

    private static double Dot(double[] x, double[] y)
    {
        var sum = 0.0;
        for (var d = 0; d < x.Length; d++)
        {
            sum += x[d] * y[d];
        }
        return sum;
    }

    internal static double SquaredDistance(double[] x, double[] y)
    {
        var sum = 0.0;
        for (var d = 0; d < x.Length; d++)
        {
            sum += (x[d] - y[d]) * (x[d] - y[d]);
        }
        return sum;
    }
}
