using Taxonomy.Blocks.Projection;
using static TorchSharp.torch;

namespace Taxonomy.Tests.Projection;

[TestFixture]
public class PcaTests
{
    [Test]
    public void Components_on_digits_match_scikit_learn_up_to_sign()
    {
        using var digits = DigitsReference.Digits();
        using var model = Pca.Fit(digits.Features, 2);
        var expected = DigitsReference.PcaComponents();
        var ours = model.Components.data<double>().ToArray();
        for (var c = 0; c < 2; c++)
        {
            var dot = Enumerable.Range(0, 64).Sum(j => ours[c * 64 + j] * expected[c][j]);
            Assert.That(Math.Abs(dot), Is.EqualTo(1).Within(1e-5), $"component {c}");
        }
    }

    [Test]
    public void Signs_on_digits_are_those_of_scikit_learns_svd_flip()
    {
        using var digits = DigitsReference.Digits();
        using var model = Pca.Fit(digits.Features, 2);
        var expected = DigitsReference.PcaComponents();
        var ours = model.Components.data<double>().ToArray();
        for (var c = 0; c < 2; c++)
        {
            Assert.That(Enumerable.Range(0, 64).Sum(j => ours[c * 64 + j] * expected[c][j]), Is.Positive, $"component {c}");
        }
    }

    [Test]
    // scikit-learn centred the float32 rows in float32: its variances differ from ours in the sixth digit.
    public void Explained_variance_on_digits_matches_scikit_learn()
    {
        using var digits = DigitsReference.Digits();
        using var model = Pca.Fit(digits.Features, 2);
        Assert.That(model.ExplainedVariance.data<double>().ToArray(), Is.EqualTo(DigitsReference.PcaExplainedVariance()).Within(1e-3).Percent);
    }

    [Test]
    public void Trustworthiness_of_the_digits_projection_matches_scikit_learn()
    {
        using var digits = DigitsReference.Digits();
        using var projection = Pca.Project(digits.Features, 2);
        Assert.That(EmbeddingQuality.Trustworthiness(digits.Features, projection), Is.EqualTo(DigitsReference.Trustworthiness("pca")).Within(1e-3));
    }

    [Test]
    public void Points_along_a_line_project_onto_it_with_the_farthest_point_positive()
    {
        // Seven points on the direction (3, 4) / 5, off-centre; the farthest from the mean is the last one, at t = −9.
        double[] t = [1, 2, 0, 3, 1.5, 2.5, -9];
        var x = tensor(t.SelectMany(v => new[] { 10 + 0.6 * v, -5 + 0.8 * v }).ToArray(), [t.Length, 2]);
        using var model = Pca.Fit(x, 1);
        Assert.That(model.Components.data<double>().ToArray(), Is.EqualTo(new[] { -0.6, -0.8 }).Within(1e-9));
        using var scores = model.Transform(x);
        Assert.That(scores.data<float>()[t.Length - 1], Is.Positive);
    }

    [Test]
    public void More_components_than_features_are_refused_with_the_counts()
    {
        using var x = zeros(10, 3);
        Assert.That(() => Pca.Fit(x, 4), Throws.ArgumentException.With.Message.Contains("1 ≤ components ≤ 3"));
    }
}
