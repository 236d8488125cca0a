using Taxonomy.Blocks.Preprocessing;
using static TorchSharp.torch;

namespace Taxonomy.Tests.Preprocessing;

[TestFixture]
public sealed class HsvHistogramPreprocessorTests
{
    private static HsvHistogramPreprocessor Histogram(bool joint = true, double maxValue = 1.0)
    {
        var options = new HsvHistogramPreprocessor.Options { Joint = joint, MaxValue = maxValue };
        options.ApplyDefaults();
        return new HsvHistogramPreprocessor(options);
    }

    /// <summary>One image [1, 3, 2, 2] whose pixels, row by row, are the given RGB triples.</summary>
    private static Tensor Image2x2(params float[][] pixels) =>
        tensor(pixels.SelectMany(p => p).ToArray()).reshape(2, 2, 3).permute(2, 0, 1).unsqueeze(0).contiguous();

    private static readonly float[] s_red = [1, 0, 0], s_green = [0, 1, 0], s_blue = [0, 0, 1], s_white = [1, 1, 1];

    [TestCase(1f, 0f, 0f, 0f, 1f, 1f, TestName = "Red is hue 0, fully saturated")]
    [TestCase(0f, 1f, 0f, 1 / 3f, 1f, 1f, TestName = "Green is hue one third")]
    [TestCase(0f, 0f, 1f, 2 / 3f, 1f, 1f, TestName = "Blue is hue two thirds")]
    [TestCase(1f, 1f, 1f, 0f, 0f, 1f, TestName = "White has no hue and no saturation")]
    [TestCase(0.5f, 0.5f, 0.5f, 0f, 0f, 0.5f, TestName = "Grey keeps its value")]
    [TestCase(0f, 0f, 0f, 0f, 0f, 0f, TestName = "Black is all zeros")]
    [TestCase(1f, 0f, 1f, 5 / 6f, 1f, 1f, TestName = "Magenta, where red and blue tie, is hue five sixths")]
    [TestCase(1f, 0f, 0.5f, 11 / 12f, 1f, 1f, TestName = "Rose wraps below red to hue eleven twelfths")]
    [TestCase(0.8f, 0.4f, 0.2f, 1 / 18f, 0.75f, 0.8f, TestName = "Orange: hue (0.4 - 0.2) / 0.6 / 6, saturation 0.6 / 0.8")]
    public void Rgb_converts_to_hsv_like_scikit_image(float r, float g, float b, float h, float s, float v)
    {
        using var rgb = tensor(new[] { r, g, b }).reshape(1, 3, 1, 1);
        using var hsv = HsvHistogramPreprocessor.RgbToHsv(rgb);
        Assert.That(hsv.flatten().data<float>().ToArray(), Is.EqualTo(new[] { h, s, v }).Within(1e-6));
    }

    [Test]
    public void A_joint_histogram_of_four_pixels_gives_each_its_cell_a_quarter()
    {
        // Bins [8, 4, 4]; cell = (hueBin · 4 + saturationBin) · 4 + valueBin, 128 cells.
        //   red   (h 0,   s 1, v 1): bins (0, 3, 3) → 15
        //   green (h 1/3, s 1, v 1): bins (⌊8/3⌋ = 2, 3, 3) → 47
        //   blue  (h 2/3, s 1, v 1): bins (⌊16/3⌋ = 5, 3, 3) → 95
        //   white (h 0,   s 0, v 1): bins (0, 0, 3) → 3
        using var image = Image2x2(s_red, s_green, s_blue, s_white);
        using var histogram = Histogram().Apply(image);
        var expected = new float[128];
        expected[15] = expected[47] = expected[95] = expected[3] = 0.25f;
        Assert.That(histogram.data<float>().ToArray(), Is.EqualTo(expected));
    }

    [Test]
    public void Per_channel_histograms_each_sum_to_one()
    {
        // Hue (8 bins): red and white in bin 0, green in 2, blue in 5. Saturation (4): white in 0, the rest in 3.
        // Value (4): all four in bin 3.
        using var image = Image2x2(s_red, s_green, s_blue, s_white);
        using var histogram = Histogram(joint: false).Apply(image);
        float[] expected = [0.5f, 0, 0.25f, 0, 0, 0.25f, 0, 0, /* s */ 0.25f, 0, 0, 0.75f, /* v */ 0, 0, 0, 1];
        Assert.That(histogram.data<float>().ToArray(), Is.EqualTo(expected));
    }

    [Test]
    public void Eight_bit_data_gives_the_same_histogram_with_max_value_255()
    {
        using var image = Image2x2(s_red, s_green, [0.2f, 0.4f, 0.6f], [0.5f, 0.5f, 0.5f]);
        using var unit = Histogram().Apply(image);
        using var bytes = image * 255;
        using var raw = Histogram(maxValue: 255).Apply(bytes);
        Assert.That(raw.data<float>().ToArray(), Is.EqualTo(unit.data<float>().ToArray()));
    }

    [Test]
    public void Grey_images_are_rejected_because_hsv_needs_three_channels()
    {
        using var grey = zeros(2, 1, 28, 28);
        var error = Assert.Throws<ArgumentException>(() => Histogram().Apply(grey))!;
        Assert.That(error.Message, Is.EqualTo("'hsv-histogram' needs RGB images with 3 channels but the samples have shape [1, 28, 28]"));
    }

    [Test]
    public void Values_beyond_max_value_are_rejected_with_the_range_found()
    {
        using var image = Image2x2(s_red, s_green, s_blue, s_white) * 255;
        var error = Assert.Throws<ArgumentException>(() => Histogram().Apply(image))!;
        Assert.That(error.Message, Is.EqualTo(
            "'hsv-histogram' needs RGB values in [0, 1] (maxValue) but the data range over [0, 255]; " +
            "put 'unit-scale' before it, or set maxValue (255 for 8-bit images)"));
    }
}
