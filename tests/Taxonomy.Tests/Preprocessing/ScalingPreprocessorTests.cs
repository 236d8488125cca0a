using TorchSharp;
using Taxonomy.Blocks.Preprocessing;

namespace Taxonomy.Tests.Preprocessing;

[TestFixture]
public sealed class ScalingPreprocessorTests
{
    private static float[] Values(torch.Tensor t) => t.contiguous().data<float>().ToArray();

    [Test]
    public void Unit_scale_maps_the_global_minimum_to_0_and_maximum_to_1()
    {
        using var x = torch.tensor(new float[] { 2, 4, 6, 10 }).reshape(2, 2);
        using var y = new UnitScalePreprocessor(new UnitScalePreprocessor.Options()).Apply(x);
        // (x - 2) / 8
        Assert.That(Values(y), Is.EqualTo(new float[] { 0, 0.25f, 0.5f, 1 }).Within(1e-6));
    }

    [Test]
    public void Unit_scale_per_feature_uses_each_columns_own_range_and_leaves_constant_columns_at_0()
    {
        using var x = torch.tensor(new float[] { 0, 5, 3, 10, 5, 3 }).reshape(2, 3);  // columns 1 and 2 are constant
        using var y = new UnitScalePreprocessor(new UnitScalePreprocessor.Options { PerFeature = true }).Apply(x);
        Assert.That(Values(y), Is.EqualTo(new float[] { 0, 0, 0, 1, 0, 0 }).Within(1e-6));
    }

    [Test]
    public void Standardize_gives_zero_mean_and_unit_population_variance_per_feature()
    {
        using var x = torch.tensor(new float[] { 1, 7, 3, 7, 5, 7 }).reshape(3, 2);
        using var y = new StandardizePreprocessor().Apply(x);
        // column 0: mean 3, population std sqrt(8/3); column 1 is constant → 0
        var s = (float)Math.Sqrt(8.0 / 3.0);
        Assert.That(Values(y), Is.EqualTo(new[] { -2 / s, 0, 0, 0, 2 / s, 0 }).Within(1e-5));
    }

    [Test]
    public void Flatten_turns_images_into_vectors_in_row_major_order()
    {
        using var x = torch.arange(2 * 1 * 2 * 3, dtype: torch.float32).reshape(2, 1, 2, 3);
        using var y = new FlattenPreprocessor().Apply(x);
        Assert.That(y.shape, Is.EqualTo(new long[] { 2, 6 }));
        Assert.That(Values(y)[6..], Is.EqualTo(new float[] { 6, 7, 8, 9, 10, 11 }));
    }

    [Test]
    public void Preprocessors_never_change_their_input()
    {
        using var x = torch.tensor(new float[] { 2, 4, 6, 10 }).reshape(2, 2);
        using var _ = new UnitScalePreprocessor(new UnitScalePreprocessor.Options()).Apply(x);
        using var __ = new StandardizePreprocessor().Apply(x);
        Assert.That(Values(x), Is.EqualTo(new float[] { 2, 4, 6, 10 }));
    }
}
