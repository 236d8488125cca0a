using Taxonomy.Blocks.Metrics;

namespace Taxonomy.Tests.Metrics;

[TestFixture]
public sealed class HungarianAlgorithmTests
{
    [Test]
    public void Three_by_three_matrix_gets_the_hand_checked_optimum()
    {
        // Every row's cheapest column is column 1, so a greedy pick fails; the optimum is 1 + 2 + 2 = 5.
        var cost = new double[,]
        {
            { 4, 1, 3 },
            { 2, 0, 5 },
            { 3, 2, 2 },
        };

        var assignment = HungarianAlgorithm.Solve(cost);

        Assert.That(assignment, Is.EqualTo(new[] { 1, 0, 2 }));
        Assert.That(HungarianAlgorithm.TotalCost(cost, assignment), Is.EqualTo(5.0));
        Assert.That(HungarianAlgorithm.TotalCost(cost, assignment), Is.EqualTo(BruteForceMinimum(cost)));
    }

    [Test]
    public void Four_by_four_matrix_matches_brute_force()
    {
        var cost = new double[,]
        {
            { 82, 83, 69, 92 },
            { 77, 37, 49, 92 },
            { 11, 69, 5, 86 },
            { 8, 9, 98, 23 },
        };

        var assignment = HungarianAlgorithm.Solve(cost);

        // 0→2 (69), 1→1 (37), 2→0 (11), 3→3 (23) = 140; the runner-up costs 142.
        Assert.That(assignment, Is.EqualTo(new[] { 2, 1, 0, 3 }));
        Assert.That(HungarianAlgorithm.TotalCost(cost, assignment), Is.EqualTo(140.0));
        Assert.That(HungarianAlgorithm.TotalCost(cost, assignment), Is.EqualTo(BruteForceMinimum(cost)));
    }

    [Test]
    public void Wide_matrix_assigns_every_row_to_a_distinct_column()
    {
        var cost = new double[,]
        {
            { 9, 2, 7, 1 },
            { 6, 4, 3, 8 },
        };

        var assignment = HungarianAlgorithm.Solve(cost);

        Assert.That(assignment, Is.EqualTo(new[] { 3, 2 }));
        Assert.That(HungarianAlgorithm.TotalCost(cost, assignment), Is.EqualTo(BruteForceMinimum(cost)));
    }

    [Test]
    public void Tall_matrix_leaves_the_extra_rows_unassigned()
    {
        var cost = new double[,]
        {
            { 5, 9 },
            { 1, 8 },
            { 7, 2 },
        };

        var assignment = HungarianAlgorithm.Solve(cost);

        Assert.That(assignment, Is.EqualTo(new[] { -1, 0, 1 }));
        Assert.That(HungarianAlgorithm.TotalCost(cost, assignment), Is.EqualTo(3.0));
    }

    [Test]
    public void Negative_costs_are_minimised_like_any_others()
    {
        var cost = new double[,]
        {
            { -3, -1 },
            { -4, -3 },
        };

        var assignment = HungarianAlgorithm.Solve(cost);

        // (0→0, 1→1) = -6 beats (0→1, 1→0) = -5.
        Assert.That(assignment, Is.EqualTo(new[] { 0, 1 }));
    }

    [Test]
    public void Empty_matrix_gives_an_empty_assignment()
    {
        Assert.That(HungarianAlgorithm.Solve(new double[0, 3]), Is.Empty);
        Assert.That(HungarianAlgorithm.Solve(new double[2, 0]), Is.EqualTo(new[] { -1, -1 }));
    }

    [Test]
    public void Random_six_by_six_matrices_reach_the_brute_force_optimum()
    {
        var random = new Random(20240611);
        for (var trial = 0; trial < 50; trial++)
        {
            var cost = new double[6, 6];
            for (var r = 0; r < 6; r++)
            {
                for (var c = 0; c < 6; c++)
                {
                    // Mix small integers (many ties) and reals (fractional potentials).
                    cost[r, c] = trial % 2 == 0 ? random.Next(0, 5) : random.NextDouble() * 100 - 50;
                }
            }

            var assignment = HungarianAlgorithm.Solve(cost);

            Assert.That(assignment.Distinct().Count(), Is.EqualTo(6), $"trial {trial}: columns must be distinct");
            Assert.That(HungarianAlgorithm.TotalCost(cost, assignment),
                Is.EqualTo(BruteForceMinimum(cost)).Within(1e-9), $"trial {trial}");
        }
    }

    [Test]
    public void Non_finite_cost_is_rejected_with_a_message()
    {
        var cost = new double[,] { { 1, double.NaN } };

        var error = Assert.Throws<ArgumentException>(() => HungarianAlgorithm.Solve(cost));

        Assert.That(error!.Message, Does.Contain("finite"));
    }

    // Minimum over all injective row→column maps (rows <= columns).
    private static double BruteForceMinimum(double[,] cost)
    {
        int rows = cost.GetLength(0), columns = cost.GetLength(1);
        var used = new bool[columns];
        var best = double.PositiveInfinity;

        void Search(int row, double sum)
        {
            if (row == rows)
            {
                best = Math.Min(best, sum);
                return;
            }
            for (var c = 0; c < columns; c++)
            {
                if (!used[c])
                {
                    used[c] = true;
                    Search(row + 1, sum + cost[row, c]);
                    used[c] = false;
                }
            }
        }

        Search(0, 0.0);
        return best;
    }
}
