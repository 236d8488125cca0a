using System.Text.Json.Nodes;
using Taxonomy.Blocks.Preprocessing;
using Taxonomy.Tests.TestSupport;
using static TorchSharp.torch;

namespace Taxonomy.Tests.Preprocessing;

[TestFixture]
public sealed class ConcatPreprocessorTests
{
    private static JsonObject WithPreprocessor(JsonObject concat)
    {
        var manifest = Manifests.AeKMeans();
        manifest["preprocessor"] = new JsonArray(new JsonObject { ["type"] = "unit-scale" }, concat);
        return manifest;
    }

    private static ConcatPreprocessor.Options Bound(JsonObject concat) =>
        (ConcatPreprocessor.Options)Manifests.Load(WithPreprocessor(concat)).Preprocessors[1].Options;

    [Test]
    public void Parts_are_flattened_and_concatenated_in_the_order_listed()
    {
        var options = new ConcatPreprocessor.Options { Parts = ["hsv-histogram", "pixels", "hog"], Hog = new() { CellSize = 4 } };
        options.ApplyDefaults();
        using var generator = new Generator(2);
        using var images = rand([5, 3, 8, 8], generator: generator);
        using var concatenated = new ConcatPreprocessor(options).Apply(images);
        using var hsv = new HsvHistogramPreprocessor(options.HsvHistogram!).Apply(images);
        using var hog = new HogPreprocessor(options.Hog).Apply(images);
        using var expected = cat([hsv, images.reshape(5, -1), hog], 1);
        Assert.That(concatenated.shape, Is.EqualTo(new long[] { 5, 128 + 192 + 36 }));
        Assert.That(concatenated.data<float>().ToArray(), Is.EqualTo(expected.data<float>().ToArray()));
    }

    [Test]
    public void Part_options_bind_from_objects_named_after_the_parts_and_default_when_absent()
    {
        var options = Bound(new JsonObject
        {
            ["type"] = "concat",
            ["parts"] = new JsonArray("hog", "hsv-histogram"),
            ["hog"] = new JsonObject { ["cellSize"] = 4, ["vote"] = "hard" },
        });
        Assert.That(options.Hog!.CellSize, Is.EqualTo(4));
        Assert.That(options.Hog.Vote, Is.EqualTo(OrientationVote.Hard));
        Assert.That(options.HsvHistogram!.Bins, Is.EqualTo(new[] { 8, 4, 4 }));
    }

    [TestCase("\"parts\": [\"hog\", \"sift\"]",
        "preprocessor[1].parts: unknown part 'sift'; valid: pixels, hog, hsv-histogram")]
    [TestCase("\"parts\": [\"hog\", \"hog\"]",
        "preprocessor[1].parts: 'hog' is listed twice")]
    [TestCase("\"parts\": [\"hog\"], \"hsvHistogram\": { \"joint\": false }",
        "preprocessor[1].hsvHistogram: options for 'hsv-histogram', which is not in parts; add it to parts or remove them")]
    [TestCase("\"parts\": [\"hog\"], \"hog\": { \"cellSize\": 0 }",
        "preprocessor[1].hog.cellSize must be between 1 and 4096, got 0")]
    [TestCase("\"parts\": [\"hsv-histogram\"], \"hsvHistogram\": { \"bins\": [8, 4] }",
        "preprocessor[1].hsvHistogram.bins: must give three positive bin counts: hue, saturation, value, e.g. [8, 4, 4]")]
    [TestCase("\"parts\": [\"hog\"], \"hog\": { \"type\": \"hsv-histogram\" }",
        "preprocessor[1].hog.type: not needed: the part's type is 'hog'")]
    [TestCase("\"parts\": [\"hog\"], \"hog\": { \"cellsize2\": 4 }",
        "preprocessor[1].hog.cellsize2: unknown option for preprocessor[1] 'concat'. Valid options: cellSize, blockSize, bins, vote, type.")]
    public void Invalid_parts_or_part_options_are_reported_with_their_path(string json, string message)
    {
        var concat = JsonNode.Parse($"{{ \"type\": \"concat\", {json} }}")!.AsObject();
        Assert.That(Manifests.LoadError(WithPreprocessor(concat)), Is.EqualTo($"{Manifests.File}: {message}"));
    }

    [Test]
    public void Colour_features_on_grey_images_fail_in_the_part_that_needs_colour()
    {
        var options = new ConcatPreprocessor.Options { Parts = ["hog", "hsv-histogram"] };
        options.ApplyDefaults();
        using var grey = zeros(2, 1, 16, 16);
        var error = Assert.Throws<ArgumentException>(() => new ConcatPreprocessor(options).Apply(grey))!;
        Assert.That(error.Message, Does.StartWith("'hsv-histogram' needs RGB images with 3 channels"));
    }
}
