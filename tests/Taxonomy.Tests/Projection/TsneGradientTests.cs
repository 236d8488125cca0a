using Taxonomy.Blocks.Projection;
using static TorchSharp.torch;

namespace Taxonomy.Tests.Projection;

[TestFixture]
public class TsneGradientTests
{
    [Test]
    public void Exact_gradient_matches_a_numerical_gradient_of_the_kl()
    {
        using var x = randn(30, 6, generator: new Generator(5));
        using var objective = ExactTsneObjective.Create(x, perplexity: 5, dims: 2);
        var map = RandomMap(30, seed: 6);
        var gradient = new double[map.Length];
        objective.Evaluate(map, gradient, exaggeration: 1, withError: true);
        const double h = 1e-6;
        var scratch = new double[map.Length];
        for (var c = 0; c < map.Length; c++)
        {
            var original = map[c];
            map[c] = original + h;
            var above = objective.Evaluate(map, scratch, 1, withError: true);
            map[c] = original - h;
            var below = objective.Evaluate(map, scratch, 1, withError: true);
            map[c] = original;
            Assert.That(gradient[c], Is.EqualTo((above - below) / (2 * h)).Within(1e-6), $"coordinate {c}");
        }
    }

    [Test]
    public void Exaggeration_scales_only_the_attraction()
    {
        using var x = randn(40, 3, generator: new Generator(7));
        using var objective = ExactTsneObjective.Create(x, perplexity: 8, dims: 2);
        var map = RandomMap(40, seed: 8);
        double[] plain = new double[80], doubled = new double[80], tripled = new double[80];
        objective.Evaluate(map, plain, 1, false);
        objective.Evaluate(map, doubled, 2, false);
        objective.Evaluate(map, tripled, 3, false);
        // Linear in the exaggeration: g(3) − g(2) = g(2) − g(1) (the attraction), and the repulsion is not zero.
        Assert.That(Enumerable.Range(0, 80).Select(c => tripled[c] - 2 * doubled[c] + plain[c]), Is.All.EqualTo(0).Within(1e-12));
        Assert.That(Enumerable.Range(0, 80).Max(c => Math.Abs(2 * plain[c] - doubled[c])), Is.GreaterThan(1e-6));
    }

    [Test]
    public void Barnes_hut_with_theta_zero_gives_the_exact_gradient_and_kl_of_the_same_p()
    {
        // Two coincident points exercise the leaves that hold several points.
        using var x = randn(120, 5, generator: new Generator(9));
        var sparse = SparseAffinities.Create(x, perplexity: 10);
        var map = RandomMap(120, seed: 10);
        (map[2], map[3]) = (map[0], map[1]);
        var dense = new double[120 * 120];
        for (var i = 0; i < sparse.Count; i++)
        {
            for (var e = sparse.RowStart[i]; e < sparse.RowStart[i + 1]; e++)
            {
                dense[i * 120 + sparse.Columns[e]] = sparse.Values[e];
            }
        }
        using var exact = new ExactTsneObjective(tensor(dense, [120, 120]), dims: 2);
        double[] expected = new double[240], actual = new double[240];
        var expectedKl = exact.Evaluate(map, expected, 4, withError: true);
        var actualKl = new BarnesHutTsneObjective(sparse, theta: 0).Evaluate(map, actual, 4, withError: true);
        Assert.That(actual, Is.EqualTo(expected).Within(1e-9));
        Assert.That(actualKl, Is.EqualTo(expectedKl).Within(1e-9));
    }

    [Test]
    public void Barnes_hut_with_theta_one_half_stays_close_to_the_exact_gradient()
    {
        using var x = randn(400, 5, generator: new Generator(11));
        var sparse = SparseAffinities.Create(x, perplexity: 10);
        var map = RandomMap(400, seed: 12);
        double[] exact = new double[800], approximate = new double[800];
        new BarnesHutTsneObjective(sparse, theta: 0).Evaluate(map, exact, 1, false);
        new BarnesHutTsneObjective(sparse, theta: 0.5).Evaluate(map, approximate, 1, false);
        var error = Math.Sqrt(Enumerable.Range(0, 800).Sum(c => Math.Pow(approximate[c] - exact[c], 2)));
        var norm = Math.Sqrt(exact.Sum(v => v * v));
        Assert.That(error / norm, Is.LessThan(0.05).And.GreaterThan(0));
    }

    [Test]
    public void The_quadtree_counts_every_point_once_and_keeps_coincident_points_in_one_leaf()
    {
        double[] map = [0, 0, 1, 1, 1, 1, -2, 0.5, 0.25, -3];
        var tree = new QuadTree(map);
        Assert.That((tree.Count(0), tree.SumX(0), tree.SumY(0)), Is.EqualTo((5, 0.25, -0.5)));
        var leaves = Enumerable.Range(0, tree.Cells).Where(c => tree.IsLeaf(c) && tree.Count(c) > 0).ToList();
        Assert.That(leaves.Sum(tree.Count), Is.EqualTo(5));
        Assert.That(leaves.Count(c => tree.LeafHolds(c, 1) && tree.LeafHolds(c, 2)), Is.EqualTo(1));
    }

    private static double[] RandomMap(int n, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, 2 * n).Select(_ => random.NextDouble() * 4 - 2).ToArray();
    }
}
