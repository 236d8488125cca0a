using System.ComponentModel;
using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;

namespace Taxonomy.Blocks.Preprocessing;

/// <summary>
/// Several feature extractors side by side: each part sees the same input, its output is flattened per sample, and
/// the results are concatenated in the order of <c>parts</c>. A part's options sit in an object named after it:
/// <code>
/// { "type": "concat", "parts": ["hog", "hsv-histogram"], "hog": { "cellSize": 4 }, "hsvHistogram": { "bins": [8, 4, 4] } }
/// </code>
/// so they are bound and checked as strictly as a block's own options (errors read "preprocessor[1].hog.cellSize: ...").
/// A part without its object uses its defaults. The parts are a fixed list (pixels, hog, hsv-histogram): a new extractor
/// is one entry in <see cref="s_parts"/> and one options property.
/// </summary>
[Block("concat", Summary = "Concatenate feature extractors applied to the same input: \"parts\": [\"hog\", \"hsv-histogram\"], options in \"hog\": {...}, \"hsvHistogram\": {...}.")]
public sealed class ConcatPreprocessor(ConcatPreprocessor.Options options) : IPreprocessor
{
    /// <summary>A part: its name in <c>parts</c>, its options property (camelCase), and how to make it.</summary>
    private sealed record Part(string Name, string OptionsName, Func<Options, BlockOptions?> Settings, Func<Options, IPreprocessor> Create);

    private static readonly IReadOnlyList<Part> s_parts =
    [
        new("pixels", "", _ => null, _ => new FlattenPreprocessor()),
        new("hog", "hog", o => o.Hog, o => new HogPreprocessor(o.Hog!)),
        new("hsv-histogram", "hsvHistogram", o => o.HsvHistogram, o => new HsvHistogramPreprocessor(o.HsvHistogram!)),
    ];

    public sealed class Options : BlockOptions
    {
        [Description("The parts, in output order: pixels (the input flattened), hog, hsv-histogram. Each sees the same input.")]
        public List<string>? Parts { get; set; }

        [Description("Options of the hog part, as for the 'hog' preprocessor, e.g. { \"cellSize\": 4 }; absent: its defaults.")]
        public HogPreprocessor.Options? Hog { get; set; }

        [Description("Options of the hsv-histogram part, as for the 'hsv-histogram' preprocessor; absent: its defaults.")]
        public HsvHistogramPreprocessor.Options? HsvHistogram { get; set; }

        public override void ApplyDefaults()
        {
            if (Parts?.Contains("hog") == true)
            {
                Hog ??= new HogPreprocessor.Options();
            }
            if (Parts?.Contains("hsv-histogram") == true)
            {
                HsvHistogram ??= new HsvHistogramPreprocessor.Options();
            }
            Hog?.ApplyDefaults();
            HsvHistogram?.ApplyDefaults();
        }

        public override IEnumerable<(string Option, string Message)> Validate()
        {
            var names = string.Join(", ", s_parts.Select(p => p.Name));
            if (Parts is null || Parts.Count == 0)
            {
                yield return ("parts", $"must list at least one part: {names}");
                yield break;
            }
            foreach (var unknown in Parts.Where(p => s_parts.All(k => k.Name != p)))
            {
                yield return ("parts", $"unknown part '{unknown}'; valid: {names}");
            }
            foreach (var twice in Parts.GroupBy(p => p).Where(g => g.Count() > 1))
            {
                yield return ("parts", $"'{twice.Key}' is listed twice");
            }
            foreach (var part in s_parts)
            {
                if (part.Settings(this) is not { } settings)
                {
                    continue;
                }
                if (!Parts.Contains(part.Name))
                {
                    yield return (part.OptionsName, $"options for '{part.Name}', which is not in parts; add it to parts or remove them");
                }
                foreach (var problem in Check(settings, part))
                {
                    yield return problem;
                }
            }
        }

        /// <summary>A part's own checks (Validate; the host checks its [Range]s), named "hog.cellSize" etc.; "type" is implied.</summary>
        private static IEnumerable<(string Option, string Message)> Check(BlockOptions settings, Part part)
        {
            if (settings.Type.Length > 0)
            {
                yield return ($"{part.OptionsName}.type", $"not needed: the part's type is '{part.Name}'");
            }
            foreach (var (option, message) in settings.Validate())
            {
                yield return ($"{part.OptionsName}.{option}", message);
            }
        }
    }

    private readonly IReadOnlyList<IPreprocessor> _parts =
        options.Parts!.Select(name => s_parts.Single(p => p.Name == name).Create(options)).ToList();

    public torch.Tensor Apply(torch.Tensor features)
    {
        using var scope = torch.NewDisposeScope();
        var outputs = _parts.Select(part => part.Apply(features)).Select(f => f.reshape(f.shape[0], -1)).ToList();
        return torch.cat(outputs, 1).MoveToOuterDisposeScope();
    }
}
