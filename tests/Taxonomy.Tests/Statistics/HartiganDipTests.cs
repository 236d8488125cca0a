using Taxonomy.Blocks.Statistics;

namespace Taxonomy.Tests.Statistics;

[TestFixture]
public sealed class HartiganDipTests
{
    [Test]
    public void The_dip_equals_R_diptest_on_every_reference_sample()
    {
        var worst = 0.0;
        Assert.Multiple(() =>
        {
            foreach (var sample in DipReference.Samples)
            {
                var dip = HartiganDip.Compute(sample.Values).Value;
                worst = Math.Max(worst, Math.Abs(dip - sample.Dip));
                Assert.That(dip, Is.EqualTo(sample.Dip).Within(1e-12), sample.ToString());
            }
        });
        TestContext.Out.WriteLine($"largest |dip − R's dip| over {DipReference.Samples.Count} samples: {worst:E2}");
    }

    [Test]
    public void The_modal_interval_is_R_diptest_lo_hi_counted_from_zero()
    {
        Assert.Multiple(() =>
        {
            foreach (var sample in DipReference.Samples)
            {
                var dip = HartiganDip.Compute(sample.Values);
                Assert.That((dip.ModalLow, dip.ModalHigh), Is.EqualTo((sample.Low - 1, sample.High - 1)), sample.ToString());
            }
        });
    }

    [Test]
    public void Two_far_apart_point_masses_have_the_largest_possible_dip_a_quarter()
    {
        var x = Enumerable.Repeat(-1000.0, 30).Concat(Enumerable.Repeat(1000.0, 30)).ToArray();

        var dip = HartiganDip.OfSorted(x);

        Assert.That(dip.Value, Is.EqualTo(0.25));
        Assert.That((dip.ModalLow, dip.ModalHigh), Is.EqualTo((30, 59)), "the modal interval is the upper mass, as R's lo.hi (31, 60)");
    }

    [Test]
    public void Quantiles_of_a_triangular_density_have_the_smallest_possible_dip_one_over_2n()
    {
        // The distribution function of the symmetric triangle on [0, 1] inverted at i/(n − 1): the empirical CDF is
        // convex then concave, so the only dip is the one-point step every sample has.
        const int n = 201;
        var x = Enumerable.Range(0, n).Select(i => (double)i / (n - 1))
            .Select(u => u < 0.5 ? Math.Sqrt(u / 2) : 1 - Math.Sqrt((1 - u) / 2)).ToArray();

        Assert.That(HartiganDip.OfSorted(x).Value, Is.EqualTo(1.0 / (2 * n)).Within(1e-15));
    }

    [TestCase(new[] { 3.0 }, 0.5)]
    [TestCase(new[] { 3.0, 7.0 }, 0.25)]
    [TestCase(new[] { 3.0, 7.0, 8.0 }, 1.0 / 6)]
    [TestCase(new[] { 2.0, 2.0, 2.0, 2.0 }, 0.125)]
    public void Samples_without_a_dip_report_one_over_2n_as_R_does(double[] x, double expected)
    {
        Assert.That(HartiganDip.OfSorted(x).Value, Is.EqualTo(expected).Within(1e-15));
    }

    [Test]
    public void Min_is_zero_reports_no_dip_for_evenly_spaced_points_and_leaves_real_dips_alone()
    {
        var evenlySpaced = Enumerable.Range(0, 10).Select(i => (double)i).ToArray();
        var bimodal = DipReference.Sample("bimodal-4-1000");

        Assert.That(HartiganDip.OfSorted(evenlySpaced, minIsZero: true).Value, Is.EqualTo(0));
        Assert.That(HartiganDip.OfSorted(evenlySpaced).Value, Is.EqualTo(0.05));
        Assert.That(HartiganDip.Compute(bimodal.Values, minIsZero: true).Value, Is.EqualTo(bimodal.Dip).Within(1e-12));
    }

    [Test]
    public void The_dip_does_not_change_when_the_sample_is_mirrored_or_shifted()
    {
        var x = DipReference.Sample("trimodal-600").Values;
        var dip = HartiganDip.Compute(x).Value;

        Assert.That(HartiganDip.Compute(x.Select(v => -v).ToArray()).Value, Is.EqualTo(dip).Within(1e-12));
        Assert.That(HartiganDip.Compute(x.Select(v => 3 * v + 100).ToArray()).Value, Is.EqualTo(dip).Within(1e-12));
    }

    [Test]
    public void An_unsorted_or_incomplete_sample_is_refused_with_the_reason()
    {
        Assert.That(() => HartiganDip.OfSorted([1.0, 3.0, 2.0]),
            Throws.ArgumentException.With.Message.StartsWith("the sample must be sorted ascending and free of NaN; it is not at index 2"));
        Assert.That(() => HartiganDip.Compute([1.0, double.NaN]), Throws.ArgumentException.With.Message.Contains("free of NaN"));
        Assert.That(() => HartiganDip.Compute([1.0, double.PositiveInfinity]), Throws.ArgumentException.With.Message.StartsWith("the sample must be finite"));
        Assert.That(() => HartiganDip.Compute([]), Throws.ArgumentException.With.Message.StartsWith("the dip of an empty sample is undefined"));
    }
}
