using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using static TorchSharp.torch;

namespace Taxonomy.Blocks.Preprocessing;

/// <summary>
/// A colour histogram per image in HSV space. Input: RGB images [n, 3, h, w] with values in [0, maxValue]
/// (maxValue 1 by default: put 'unit-scale' first, or set maxValue to 255 for raw 8-bit data); other channel counts and
/// values outside that range are rejected. RGB → HSV as scikit-image's <c>rgb2hsv</c>: V = max, S = (max − min) / max,
/// H in [0, 1) from the sector of the largest channel (0 for greys). A value in [0, 1] falls in bin ⌊value · bins⌋
/// (1 itself in the last bin).
/// joint: one histogram over hue × saturation × value cells (bins[0]·bins[1]·bins[2] values, hue slowest);
/// otherwise three histograms side by side (bins[0] + bins[1] + bins[2] values). Each histogram counts the image's
/// pixels and sums to 1.
/// </summary>
[Block("hsv-histogram", Summary = "Colour histogram per RGB image in HSV space (joint or per channel), each histogram summing to 1.")]
public sealed class HsvHistogramPreprocessor(HsvHistogramPreprocessor.Options options) : IPreprocessor
{
    public sealed class Options : BlockOptions
    {
        [Description("Bins for hue, saturation and value. Default [8, 4, 4].")]
        public List<int>? Bins { get; set; }

        [Description("One joint histogram over hue × saturation × value; false: three histograms side by side.")]
        public bool Joint { get; set; } = true;

        [Description("The value of full intensity in the data: 1 for [0, 1] data (after 'unit-scale'), 255 for raw 8-bit images.")]
        [Range(1e-9, double.MaxValue)]
        public double MaxValue { get; set; } = 1.0;

        public override void ApplyDefaults() => Bins ??= [8, 4, 4];

        public override IEnumerable<(string Option, string Message)> Validate()
        {
            if (Bins is not { Count: 3 } || Bins.Any(b => b <= 0))
            {
                yield return ("bins", "must give three positive bin counts: hue, saturation, value, e.g. [8, 4, 4]");
            }
        }
    }

    public Tensor Apply(Tensor features)
    {
        ImageBatch.Require(features, "hsv-histogram");
        if (features.shape[1] != 3)
        {
            throw new ArgumentException(
                $"'hsv-histogram' needs RGB images with 3 channels but the samples have shape {ImageBatch.Describe(features.shape[1..])}");
        }
        var (min, max) = (features.min().item<float>(), features.max().item<float>());
        if (min < 0 || max > options.MaxValue * (1 + 1e-6))
        {
            var range = string.Create(CultureInfo.InvariantCulture, $"[0, {options.MaxValue}] (maxValue) but the data range over [{min}, {max}]");
            throw new ArgumentException(
                $"'hsv-histogram' needs RGB values in {range}; put 'unit-scale' before it, or set maxValue (255 for 8-bit images)");
        }
        return ImageBatch.InChunks(features, Describe);
    }

    /// <summary>
    /// RGB [m, 3, h, w] with values in [0, 1] → HSV [m, 3, h, w], each in [0, 1], hue in [0, 1).
    /// Where channels tie for the largest, blue wins over green over red (as in scikit-image; the hue is the same).
    /// </summary>
    public static Tensor RgbToHsv(Tensor rgb)
    {
        using var scope = torch.NewDisposeScope();
        var (r, g, b) = (rgb.select(1, 0), rgb.select(1, 1), rgb.select(1, 2));
        var value = rgb.amax(1);
        var delta = value - rgb.amin(1);
        var saturation = delta / value.clamp_min(1e-12);        // 0 where value is 0, for delta is 0 there too
        var safe = delta.clamp_min(1e-12);
        var sixths = torch.where(b == value, 4 + (r - g) / safe,  // blue largest: 240° ± 60°
                     torch.where(g == value, 2 + (b - r) / safe,  // green largest: 120° ± 60°
                                 (g - b) / safe));                // red largest: 0° ± 60°
        var hue = torch.where(delta > 0, torch.remainder(sixths / 6, 1.0), torch.zeros_like(delta));
        return torch.stack([hue, saturation, value], 1).MoveToOuterDisposeScope();
    }

    private Tensor Describe(Tensor images)
    {
        var hsv = RgbToHsv(images / options.MaxValue).clamp(0, 1);
        var pixels = images.shape[2] * images.shape[3];
        var bins = options.Bins!;
        var index = Enumerable.Range(0, 3)
            .Select(c => (hsv.select(1, c) * bins[c]).floor().clamp(0, bins[c] - 1).to_type(ScalarType.Int64).reshape(images.shape[0], pixels))
            .ToList();
        if (options.Joint)
        {
            var cell = (index[0] * bins[1] + index[1]) * bins[2] + index[2];
            return Frequencies(cell, bins[0] * bins[1] * bins[2], images.dtype);
        }
        return torch.cat(Enumerable.Range(0, 3).Select(c => Frequencies(index[c], bins[c], images.dtype)).ToList(), 1);
    }

    /// <summary>Per row, the share of entries equal to each of 0 … <paramref name="bins"/> − 1: [m, pixels] → [m, bins].</summary>
    private static Tensor Frequencies(Tensor binOfPixel, int bins, ScalarType dtype)
    {
        var counts = torch.zeros([binOfPixel.shape[0], bins], dtype)
            .scatter_add_(1, binOfPixel, torch.ones(binOfPixel.shape, dtype));
        return counts / binOfPixel.shape[1];
    }
}
