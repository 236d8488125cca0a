using Taxonomy.Blocks.Statistics;

namespace Taxonomy.Tests.Statistics;

[TestFixture]
public sealed class DipSimilarityTests
{
    /// <summary>n points of a 2-D Gaussian around (x, y) with standard deviation 1, seeded.</summary>
    private static double[][] Gaussian(Random random, int n, double x, double y) =>
        Enumerable.Range(0, n).Select(_ => new[] { x + Normal(random), y + Normal(random) }).ToArray();

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    [Test]
    public void Two_halves_of_one_gaussian_look_unimodal_and_two_distant_gaussians_do_not()
    {
        var random = new Random(1);
        var points = Gaussian(random, 200, 0, 0).Concat(Gaussian(random, 200, 10, 0)).ToArray();
        // The first blob cut at x = 0 into two clusters; the second blob is a third cluster.
        var left = Enumerable.Range(0, 200).Where(i => points[i][0] < 0).ToArray();
        var right = Enumerable.Range(0, 200).Where(i => points[i][0] >= 0).ToArray();
        var far = Enumerable.Range(200, 200).ToArray();

        var halves = DipSimilarity.PValue(points, left, right, [-0.8, 0], [0.8, 0], sizeRatio: 2);
        var apart = DipSimilarity.PValue(points, left.Concat(right).ToArray(), far, [0, 0], [10, 0], sizeRatio: 2);

        Assert.That(halves, Is.GreaterThan(0.9));
        Assert.That(apart, Is.LessThan(0.01));
    }

    [Test]
    public void A_small_cluster_beside_a_large_one_is_tested_against_the_large_ones_nearest_members_too()
    {
        // 1,000 points of one blob and a tight bump of 20 points 5 standard deviations away: in the whole union the bump
        // is a small part of the bulk; against the blob's 40 members nearest to it, it stands out. The lower p-value counts.
        var random = new Random(2);
        var bump = Gaussian(random, 20, 0, 0).Select(p => new[] { 5 + 0.3 * p[0], 0.3 * p[1] });
        var points = Gaussian(random, 1000, 0, 0).Concat(bump).ToArray();
        var large = Enumerable.Range(0, 1000).ToArray();
        var small = Enumerable.Range(1000, 20).ToArray();

        var reduced = DipSimilarity.PValue(points, large, small, [0, 0], [5, 0], sizeRatio: 2);
        var whole = DipSimilarity.PValue(points, large, small, [0, 0], [5, 0], sizeRatio: 1000);

        Assert.That(reduced, Is.LessThan(whole));
        Assert.That(reduced, Is.LessThan(0.05));
    }

    [Test]
    public void The_matrix_is_symmetric_with_a_zero_diagonal_and_coinciding_centres_count_as_one_cluster()
    {
        var random = new Random(3);
        var points = Gaussian(random, 30, 0, 0).Concat(Gaussian(random, 30, 8, 0)).Concat(Gaussian(random, 30, 0, 8)).ToArray();
        var labels = Enumerable.Range(0, 90).Select(i => i / 30).ToArray();
        double[][] centres = [[0, 0], [8, 0], [8, 0]];

        var matrix = DipSimilarity.Matrix(points, labels, centres, sizeRatio: 2);

        for (var a = 0; a < 3; a++)
        {
            Assert.That(matrix[a, a], Is.Zero);
            for (var b = 0; b < 3; b++)
            {
                Assert.That(matrix[a, b], Is.EqualTo(matrix[b, a]));
            }
        }
        Assert.That(matrix[1, 2], Is.EqualTo(1.0), "no axis between coinciding centres");
        Assert.That(matrix[0, 1], Is.LessThan(0.05));
    }
}
