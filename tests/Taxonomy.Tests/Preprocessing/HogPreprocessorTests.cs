using System.Diagnostics;
using Taxonomy.Blocks.Data;
using Taxonomy.Blocks.Preprocessing;
using TorchSharp;
using static TorchSharp.torch;

namespace Taxonomy.Tests.Preprocessing;

[TestFixture]
public sealed class HogPreprocessorTests
{
    private static float[] Hog(Tensor images, int cellSize, int blockSize, OrientationVote vote = OrientationVote.Linear)
    {
        var hog = new HogPreprocessor(new HogPreprocessor.Options { CellSize = cellSize, BlockSize = blockSize, Vote = vote });
        using var features = hog.Apply(images);
        Assert.That(features.shape, Is.EqualTo(new[] { images.shape[0], hog.FeatureCount(images.shape[2], images.shape[3]) }));
        return features[0].data<float>().ToArray();
    }

    /// <summary>8×8, 0 everywhere but 1 in the top-right quadrant (rows 0–3, columns 4–7).</summary>
    private static Tensor BrightTopRightQuadrant()
    {
        var image = zeros(1, 1, 8, 8);
        image[.., .., ..4, 4..] = tensor(1f);
        return image;
    }

    /// <summary>Gradients (centred differences, 0 on the border) of <see cref="BrightTopRightQuadrant"/>:
    ///   column 3, rows 0–3 and column 4, rows 0–2: g_col = 1, g_row = 0  → magnitude 1, 0°
    ///   row 3, column 4:  g_col = 1, g_row = −1                        → magnitude √2, atan2(−1, 1) = −45° ≡ 135°
    ///   row 3, columns 5–7 and row 4, columns 4–7: g_row = −1, g_col = 0 → magnitude 1, −90° ≡ 90°
    /// Cells of 4×4 pixels, bins of 20°, centres at 10°, 30°, …, 170°.
    /// </summary>
    [Test]
    public void Linear_votes_on_a_bright_quadrant_match_the_hand_computed_descriptor()
    {
        using var image = BrightTopRightQuadrant();
        var hog = Hog(image, cellSize: 4, blockSize: 2);
        // Linear votes: 0° lies halfway between the centres of bins 8 (170°) and 0 (10°): ½ each.
        //   90° is the centre of bin 4: all of it. 135° is 0.25 bin widths past bin 6's centre: 0.75 to 6, 0.25 to 7.
        // Cell sums (the cell divides them by 16, which the normalisation cancels):
        //   cell (0,0): bin0 = 2, bin8 = 2                     (4 pixels at 0°)
        //   cell (0,1): bin0 = 1.5, bin8 = 1.5                 (3 pixels at 0°)
        //               bin4 = 3                               (3 pixels at 90°)
        //               bin6 = 0.75·√2 = 1.06066, bin7 = 0.25·√2 = 0.35355
        //   cell (1,0): nothing;  cell (1,1): bin4 = 4          (4 pixels at 90°)
        // One block of 2×2 cells: ‖v‖² = 4+4 + 2.25+2.25+9+1.125+0.125 + 16 = 38.75, ‖v‖ = 6.22495.
        //   v/‖v‖: 2 → 0.32129, 1.5 → 0.24097, 3 → 0.48193, 4 → 0.64258 (all clipped to 0.2),
        //          1.06066 → 0.17039, 0.35355 → 0.056796 (kept).
        //   Renormalised: ‖·‖² = 6·0.04 + 0.17039² + 0.056796² = 0.272259, ‖·‖ = 0.521784:
        //          0.2 → 0.383301, 0.17039 → 0.32655, 0.056796 → 0.10885.
        var expected = new float[36];
        foreach (var index in new[] { 0, 8, 9 + 0, 9 + 4, 9 + 8, 27 + 4 })
        {
            expected[index] = 0.383301f;
        }
        expected[9 + 6] = 0.32655f;
        expected[9 + 7] = 0.10885f;
        Assert.That(hog, Is.EqualTo(expected).Within(2e-5));
    }

    [Test]
    public void Hard_votes_on_a_bright_quadrant_match_the_hand_computed_descriptor()
    {
        using var image = BrightTopRightQuadrant();
        var hog = Hog(image, cellSize: 4, blockSize: 2, OrientationVote.Hard);
        // Hard votes (bin i holds [20i°, 20(i+1)°)): 0° → bin 0, 90° → bin 4, 135° → bin 6.
        //   cell (0,0): bin0 = 4;  cell (0,1): bin0 = 3, bin4 = 3, bin6 = √2;  cell (1,1): bin4 = 4.
        // ‖v‖² = 16 + 9 + 9 + 2 + 16 = 52, ‖v‖ = 7.21110: 4 → 0.5547, 3 → 0.41603 (clipped to 0.2), √2 → 0.19612 (kept).
        // Renormalised: ‖·‖² = 4·0.04 + 0.19612² = 0.198462, ‖·‖ = 0.445491: 0.2 → 0.448944, 0.19612 → 0.440225.
        var expected = new float[36];
        foreach (var index in new[] { 0, 9 + 0, 9 + 4, 27 + 4 })
        {
            expected[index] = 0.448944f;
        }
        expected[9 + 6] = 0.440225f;
        Assert.That(hog, Is.EqualTo(expected).Within(2e-5));
    }

    [Test]
    public void Blocks_of_one_cell_split_a_vertical_edge_between_the_bins_beside_zero_degrees()
    {
        // 8×8, left half 0, right half 1: columns 3 and 4 have g_col = 1 (0°), in every row.
        // Each 4×4 cell holds one such column: bins 0 and 8 get 4·½ each. A block of one cell normalises
        // [2, 0, …, 0, 2] to [1/√2, …, 1/√2]; clipped to 0.2 and renormalised it is 1/√2 again.
        using var image = zeros(1, 1, 8, 8);
        image[.., .., .., 4..] = tensor(1f);
        var hog = Hog(image, cellSize: 4, blockSize: 1);
        var cell = new float[9];
        cell[0] = cell[8] = (float)(1 / Math.Sqrt(2));
        Assert.That(hog, Is.EqualTo(Enumerable.Repeat(cell, 4).SelectMany(c => c).ToArray()).Within(1e-5));
    }

    /// <summary>x[r, c] = ((5r + 3c + rc) mod 17) / 16: exact in float32, so gradients are exact too.</summary>
    private static Tensor Pattern(int channels)
    {
        var image = zeros(1, channels, 8, 8);
        for (var k = 0; k < channels; k++)
        {
            for (var r = 0; r < 8; r++)
            {
                for (var c = 0; c < 8; c++)
                {
                    image[0, k, r, c] = tensor((5 * r + 3 * c + r * c + 4 * k * (r + 1)) % 17 / 16f);
                }
            }
        }
        return image;
    }

    /// <summary>
    /// skimage 0.19.3: hog(x, orientations=9, pixels_per_cell=(4, 4), cells_per_block=(2, 2), block_norm='L2-Hys'),
    /// with channel_axis=-1 for the three channels of the colour pattern.
    /// </summary>
    private static IEnumerable<TestCaseData> ScikitImageDescriptors()
    {
        yield return new TestCaseData(1, new[]
        {
            0.275361f, 0.203619f, 0.275361f, 0.000000f, 0.275361f, 0.000000f, 0.000000f, 0.000000f, 0.155297f,
            0.275361f, 0.118444f, 0.000000f, 0.000000f, 0.275361f, 0.202444f, 0.275361f, 0.168824f, 0.152796f,
            0.112995f, 0.000000f, 0.071022f, 0.064018f, 0.275361f, 0.259018f, 0.017756f, 0.000000f, 0.176219f,
            0.251101f, 0.000000f, 0.017756f, 0.064018f, 0.275361f, 0.103721f, 0.144230f, 0.000000f, 0.039703f,
        }).SetName("Hard_votes_reproduce_scikit_image_on_a_grey_pattern");
        yield return new TestCaseData(3, new[]
        {
            0.262478f, 0.000000f, 0.262478f, 0.000000f, 0.251637f, 0.104846f, 0.262478f, 0.194648f, 0.000000f,
            0.262478f, 0.085460f, 0.081860f, 0.000000f, 0.262478f, 0.260774f, 0.233712f, 0.227538f, 0.000000f,
            0.173543f, 0.173543f, 0.000000f, 0.000000f, 0.262478f, 0.107330f, 0.050596f, 0.000000f, 0.121790f,
            0.262478f, 0.000000f, 0.000000f, 0.160013f, 0.262478f, 0.126564f, 0.000000f, 0.132166f, 0.000000f,
        }).SetName("Colour_images_use_the_channel_with_the_largest_gradient_like_scikit_image");
    }

    [TestCaseSource(nameof(ScikitImageDescriptors))]
    public void Hard_votes_reproduce_scikit_image(int channels, float[] skimage)
    {
        using var image = Pattern(channels);
        Assert.That(Hog(image, cellSize: 4, blockSize: 2, OrientationVote.Hard), Is.EqualTo(skimage).Within(2e-6));
    }

    [Test]
    public void Images_are_described_alike_whichever_chunk_they_fall_in()
    {
        using var generator = new Generator(5);
        using var images = rand([2100, 1, 12, 12], generator: generator);
        var hog = new HogPreprocessor(new HogPreprocessor.Options { CellSize = 4 });
        using var all = hog.Apply(images);
        using var last = hog.Apply(images.narrow(0, 2099, 1));
        Assert.That(all.shape, Is.EqualTo(new long[] { 2100, 2 * 2 * 4 * 9 }));
        Assert.That(all[2099].data<float>().ToArray(), Is.EqualTo(last[0].data<float>().ToArray()));
    }

    [Test]
    public void Flat_samples_are_rejected_with_a_hint_to_reshape()
    {
        using var flat = zeros(2, 64);
        var error = Assert.Throws<ArgumentException>(() => new HogPreprocessor(new HogPreprocessor.Options()).Apply(flat))!;
        Assert.That(error.Message, Is.EqualTo(
            "'hog' needs images [channels, height, width] but the samples have shape [64]; remove the 'flatten' " +
            "preprocessor before it, or add 'reshape' (e.g. \"shape\": [1, 8, 8]) for flat data"));
    }

    [Test]
    public void Images_smaller_than_a_block_are_rejected_with_the_sizes()
    {
        using var small = zeros(2, 1, 8, 8);
        var error = Assert.Throws<ArgumentException>(() => new HogPreprocessor(new HogPreprocessor.Options()).Apply(small))!;
        Assert.That(error.Message, Is.EqualTo(
            "'hog' needs images of at least 16×16 pixels for blocks of 2×2 cells of 8×8 pixels, but they are 8×8; " +
            "lower cellSize or blockSize"));
    }

    [Test, Explicit("Timing on all 70,000 Fashion-MNIST images; needs the dataset-fashion-mnist package.")]
    public void Timing_on_all_of_fashion_mnist()
    {
        if (!Directory.Exists(DataCatalog.FashionMnistFolder))
        {
            Assert.Ignore("Fashion-MNIST is not installed.");
        }
        using var data = DataCatalog.LoadFashionMnist(DataCatalog.FashionMnistFolder);
        foreach (var cellSize in new[] { 7, 4 })
        {
            var hog = new HogPreprocessor(new HogPreprocessor.Options { CellSize = cellSize });
            var watch = Stopwatch.StartNew();
            using var features = hog.Apply(data.Features);
            TestContext.Out.WriteLine(
                $"hog cellSize {cellSize}, blockSize 2, 9 bins on {data.Count} images [1, 28, 28] → {features.shape[1]} features: " +
                $"{watch.Elapsed.TotalSeconds:F2} s with {torch.get_num_threads()} threads");
        }
    }
}
