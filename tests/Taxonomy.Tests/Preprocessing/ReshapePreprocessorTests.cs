using System.Text.Json.Nodes;
using Taxonomy.Blocks.Data;
using Taxonomy.Blocks.Preprocessing;
using Taxonomy.Tests.TestSupport;

namespace Taxonomy.Tests.Preprocessing;

[TestFixture]
public sealed class ReshapePreprocessorTests
{
    private static ReshapePreprocessor Reshape(params int[] shape) => new(new ReshapePreprocessor.Options { Shape = [.. shape] });

    [Test]
    public void Digits_columns_become_8x8_images_row_by_row()
    {
        using var digits = DataCatalog.LoadDigits(limit: 3);
        using var images = Reshape(1, 8, 8).Apply(digits.Features);
        Assert.That(images.shape, Is.EqualTo(new long[] { 3, 1, 8, 8 }));
        Assert.That(images[2, 0, 1, 2].item<float>(), Is.EqualTo(digits.Features[2, 10].item<float>()));
    }

    [Test]
    public void A_shape_with_another_number_of_values_is_rejected_naming_both_shapes()
    {
        using var digits = DataCatalog.LoadDigits(limit: 3);
        var error = Assert.Throws<ArgumentException>(() => Reshape(1, 8, 9).Apply(digits.Features))!;
        Assert.That(error.Message, Is.EqualTo("cannot reshape samples of shape [64] (64 values) to [1, 8, 9] (72 values)"));
    }

    [Test]
    public void A_run_names_the_preprocessor_whose_shape_does_not_fit()
    {
        var manifest = Manifests.AeKMeans();
        manifest["data"] = new JsonObject { ["source"] = "digits", ["limit"] = 20 };
        manifest["preprocessor"] = new JsonArray(
            new JsonObject { ["type"] = "unit-scale" },
            new JsonObject { ["type"] = "reshape", ["shape"] = new JsonArray(1, 8, 9) });
        var services = Manifests.Services();
        var method = services.Loader.Load(Host.Manifest.ManifestDocument.Parse(manifest.ToJsonString(), Manifests.File));
        var error = Assert.Throws<Host.Manifest.ManifestException>(() => services.Runner(TextWriter.Null).Run(method))!;
        Assert.That(error.Message, Is.EqualTo(
            $"{Manifests.File}: preprocessor[1] ('reshape'): cannot reshape samples of shape [64] (64 values) to [1, 8, 9] (72 values)"));
    }

    [Test]
    public void A_reshape_without_a_shape_does_not_load()
    {
        var manifest = Manifests.AeKMeans();
        manifest["preprocessor"] = new JsonObject { ["type"] = "reshape" };
        Assert.That(Manifests.LoadError(manifest), Is.EqualTo(
            $"{Manifests.File}: preprocessor.shape: must list the positive sizes of one sample, e.g. [1, 8, 8]"));
    }
}
