using Taxonomy.Blocks.Statistics;
using static TorchSharp.torch;

namespace Taxonomy.Tests.Statistics;

[TestFixture]
public sealed class DipTestTests
{
    [Test]
    public void P_values_equal_R_dip_test_on_every_reference_sample()
    {
        var worst = 0.0;
        Assert.Multiple(() =>
        {
            foreach (var sample in DipReference.Samples)
            {
                var p = DipTest.Run(sample.Values).PValue;
                worst = Math.Max(worst, Math.Abs(p - sample.PValue));
                Assert.That(p, Is.EqualTo(sample.PValue).Within(1e-6), sample.ToString());
            }
        });
        TestContext.Out.WriteLine($"largest |p − R's p| over {DipReference.Samples.Count} samples: {worst:E2}");
    }

    [Test]
    public void P_values_equal_R_dip_test_between_table_rows_at_ties_and_beyond_the_largest_n()
    {
        var worst = 0.0;
        Assert.Multiple(() =>
        {
            foreach (var reference in DipReference.PValues)
            {
                var p = DipTest.PValue(reference.Dip, reference.N);
                worst = Math.Max(worst, Math.Abs(p - reference.PValue));
                Assert.That(p, Is.EqualTo(reference.PValue).Within(1e-6), reference.ToString());
            }
        });
        TestContext.Out.WriteLine($"largest |p − R's p| over {DipReference.PValues.Count} (n, D) pairs: {worst:E2}");
    }

    [Test]
    public void Tied_smallest_quantiles_share_their_mean_probability_as_in_R()
    {
        // At n = 4 the ten smallest quantiles are all 1/8, the least dip of four points: R's approx gives them the mean
        // of their probabilities, 0.218, so P = 0.782 (numpy's interp, in ClustPy, would take the last tie's 0.6).
        Assert.That(DipTest.PValue(0.125, 4), Is.EqualTo(1 - (0 + 0.01 + 0.02 + 0.05 + 0.1 + 0.2 + 0.3 + 0.4 + 0.5 + 0.6) / 10).Within(1e-15));
    }

    [TestCase(DipPValueMethod.Table)]
    [TestCase(DipPValueMethod.Function)]
    public void Samples_of_three_or_fewer_points_are_never_significant(DipPValueMethod method)
    {
        Assert.That(DipTest.PValue(0.25, 3, method), Is.EqualTo(1));
        Assert.That(DipTest.Run([0.0, 0.0, 10.0], method).PValue, Is.EqualTo(1));
    }

    [Test]
    public void The_fitted_function_stays_within_half_a_percent_of_the_table_from_fifty_points_on()
    {
        var table = DipTable.Shipped;
        Assert.Multiple(() =>
        {
            for (var i = 0; i < table.Sizes.Length; i++)
            {
                for (var k = 1; k < table.Probabilities.Length - 1 && table.Sizes[i] >= 50; k++)
                {
                    var p = DipTest.PValue(table.Quantiles[i][k], table.Sizes[i], DipPValueMethod.Function);
                    Assert.That(p, Is.EqualTo(1 - table.Probabilities[k]).Within(0.005), $"n = {table.Sizes[i]}, Pr = {table.Probabilities[k]}");
                }
            }
        });
    }

    [Test]
    public void The_shipped_table_is_R_diptest_qDiptab_with_ascending_quantiles()
    {
        var table = DipTable.Shipped;

        Assert.That(table.Sizes, Is.EqualTo(new[] { 4, 5, 6, 7, 8, 9, 10, 15, 20, 30, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 40000, 72000 }));
        Assert.That(table.Probabilities, Has.Length.EqualTo(26));
        Assert.That(table.Probabilities[0], Is.EqualTo(0));
        Assert.That(table.Probabilities[^1], Is.EqualTo(1));
        Assert.That(table.Quantiles, Has.All.Ordered.Ascending);
        Assert.That(table.Quantiles[0][0], Is.EqualTo(0.125), "the least dip of four points");
    }

    [Test]
    public void Two_separated_clusters_projected_on_their_centre_axis_are_significantly_bimodal()
    {
        using var scope = NewDisposeScope();
        var (a, b) = Blobs(distance: 8);
        var centreA = a.mean([0]);
        var centreB = b.mean([0]);

        var test = DipTest.OfProjection(a, b, centreA, centreB);

        Assert.That(test.Count, Is.EqualTo(400));
        Assert.That(test.PValue, Is.LessThan(1e-3));
    }

    [Test]
    public void Two_halves_of_one_cluster_projected_on_their_centre_axis_look_unimodal()
    {
        using var scope = NewDisposeScope();
        var points = Blobs(distance: 0).A;
        var upper = points[points[.., 0] >= 0];
        var lower = points[points[.., 0] < 0];
        var centreUpper = upper.mean([0]);
        var centreLower = lower.mean([0]);

        var test = DipTest.OfProjection(upper, lower, centreUpper, centreLower);

        Assert.That(test.Count, Is.EqualTo(200));
        Assert.That(test.PValue, Is.GreaterThan(0.5));
    }

    [Test]
    public void The_projection_test_is_the_dip_test_of_the_points_coordinates_along_the_axis()
    {
        using var scope = NewDisposeScope();
        var (a, b) = Blobs(distance: 3);
        var centreA = tensor(new[] { 1.0, 2.0, 0.0, 0.0, -1.0 });
        var centreB = tensor(new[] { 4.0, -2.0, 0.0, 0.0, -1.0 });
        var axis = tensor(new[] { -0.6, 0.8, 0.0, 0.0, 0.0 });
        var union = cat([a, b], 0);
        var coordinates = union.matmul(axis).data<double>().ToArray();

        var test = DipTest.OfProjection(a, b, centreA, centreB);

        Assert.That(test.Dip, Is.EqualTo(DipTest.Run(coordinates).Dip).Within(1e-12));
        Assert.That(() => DipTest.OfProjection(a, b, centreA, centreA),
            Throws.ArgumentException.With.Message.StartsWith("the two centres coincide"));
    }

    /// <summary>Two Gaussian clusters of 200 points in 5-D whose centres are <paramref name="distance"/> apart.</summary>
    private static (Tensor A, Tensor B) Blobs(double distance)
    {
        using var generator = new Generator(7);
        var a = randn([200, 5], dtype: float64, generator: generator);
        var b = randn([200, 5], dtype: float64, generator: generator);
        b[.., 0] += distance;
        return (a, b);
    }
}
