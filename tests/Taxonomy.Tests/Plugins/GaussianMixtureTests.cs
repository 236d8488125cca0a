using Taxonomy.Blocks.Clustering;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Metrics;
using Taxonomy.Plugins.Gmm;
using static TorchSharp.torch;

namespace Taxonomy.Tests.Plugins;

[TestFixture]
public sealed class GaussianMixtureTests
{
    private static readonly GaussianMixtureSettings Full = new() { Tolerance = 1e-8, MaxIterations = 500 };
    private static readonly GaussianMixtureSettings Diag = Full with { Covariance = CovarianceType.Diag };

    private static int[] KMeansLabels(Tensor x, int k)
    {
        using var generator = new Generator(7);
        using var result = new KMeans().Fit(x, k, new KMeansSettings { Restarts = 3 }, generator);
        return result.Labels;
    }

    private static double[] Values(Tensor t) => t.cpu().to_type(ScalarType.Float64).data<double>().ToArray();

    [Test]
    public void One_component_is_the_sample_mean_and_biased_covariance_with_the_hand_computed_likelihood()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new double[,] { { 0, 0 }, { 2, 0 }, { 0, 2 }, { 2, 2 } });

        var model = GaussianMixture.Fit(x, [0, 0, 0, 0], 1, Full);

        Assert.That(Values(model.Means), Is.EqualTo(new[] { 1.0, 1.0 }).Within(1e-12));
        Assert.That(Values(model.Covariances), Is.EqualTo(new[] { 1 + 1e-6, 0, 0, 1 + 1e-6 }).Within(1e-12), "Σ = I, plus reg on the diagonal");
        Assert.That(Values(model.Weights), Is.EqualTo(new[] { 1.0 }).Within(1e-12));
        // Every point is at Mahalanobis distance² 2: log 𝒩 = −½ (2 log 2π + log det I + 2) = −log 2π − 1.
        Assert.That(model.LogLikelihood, Is.EqualTo(-Math.Log(2 * Math.PI) - 1).Within(1e-5));
        Assert.That(model.Converged, Is.True);
    }

    [Test]
    public void Identical_points_leave_exactly_reg_on_the_diagonal()
    {
        using var scope = NewDisposeScope();
        var model = GaussianMixture.Fit(zeros(5, 2, ScalarType.Float64), [0, 0, 0, 0, 0], 1, Full with { Regularization = 1e-3 });

        Assert.That(Values(model.Covariances), Is.EqualTo(new[] { 1e-3, 0, 0, 1e-3 }).Within(1e-15));
    }

    [Test]
    public void Em_recovers_the_means_variances_and_weights_of_two_1d_gaussians()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(11);
        var left = randn(600, 1, ScalarType.Float64, generator: generator) * 0.5 - 3;   // 𝒩(−3, 0.5²)
        var right = randn(400, 1, ScalarType.Float64, generator: generator) * 1.5 + 4;  // 𝒩(4, 1.5²)
        var x = cat([left, right], 0);

        foreach (var settings in new[] { Full, Diag })
        {
            var model = GaussianMixture.Fit(x, KMeansLabels(x, 2), 2, settings);
            var order = Values(model.Means)[0] < Values(model.Means)[1] ? new[] { 0, 1 } : new[] { 1, 0 };
            var means = Values(model.Means);
            var variances = Values(model.Covariances);

            // The groups are 7 apart, so EM's maximum-likelihood answer is each group's own mean and biased variance.
            Assert.That(means[order[0]], Is.EqualTo(left.mean().item<double>()).Within(1e-3), settings.Covariance.ToString());
            Assert.That(means[order[1]], Is.EqualTo(right.mean().item<double>()).Within(1e-3));
            Assert.That(variances[order[0]], Is.EqualTo(left.var(0, unbiased: false).item<double>()).Within(1e-3));
            Assert.That(variances[order[1]], Is.EqualTo(right.var(0, unbiased: false).item<double>()).Within(1e-2));
            // ... which are near the true parameters.
            Assert.That(means[order[0]], Is.EqualTo(-3).Within(0.1));
            Assert.That(means[order[1]], Is.EqualTo(4).Within(0.2));
            Assert.That(variances[order[0]], Is.EqualTo(0.25).Within(0.05));
            Assert.That(variances[order[1]], Is.EqualTo(2.25).Within(0.35));
            Assert.That(Values(model.Weights)[order[0]], Is.EqualTo(0.6).Within(1e-3));
            Assert.That(model.Labels.Take(600), Is.All.EqualTo(order[0]));
        }
    }

    [Test]
    public void Full_covariance_separates_correlated_clusters_that_diagonal_covariance_cannot()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(5);
        // Two thin parallel clusters along the diagonal y = x (variance 1.98 along (1, 1), 0.02 across), 1.2 apart in x:
        // 6 standard deviations apart across the diagonal, but the ends of each lie nearer the other's centre than their own.
        var along = randn(800, 1, ScalarType.Float64, generator: generator) * Math.Sqrt(1.98);
        var across = randn(800, 1, ScalarType.Float64, generator: generator) * Math.Sqrt(0.02);
        var shape = cat([along + across, along - across], 1) / Math.Sqrt(2);
        var x = cat([shape[..400], shape[400..] + tensor(new[] { 1.2, 0 })], 0);
        var truth = Enumerable.Range(0, 800).Select(i => i < 400 ? 0 : 1).ToArray();

        // EM starts from the true labels: this is about the covariance model, not the initialisation (k-means would cut
        // both clusters across their long axis).
        var full = GaussianMixture.Fit(x, truth, 2, Full);
        var diag = GaussianMixture.Fit(x, truth, 2, Diag);

        Assert.That(ClusteringMetrics.Accuracy(truth, full.Labels), Is.GreaterThanOrEqualTo(0.99));
        Assert.That(ClusteringMetrics.Accuracy(truth, diag.Labels), Is.LessThan(0.8));
        Assert.That(full.LogLikelihood, Is.GreaterThan(diag.LogLikelihood + 0.5));
        var covariance = Values(full.Covariances[0]);
        Assert.That(covariance[1] / Math.Sqrt(covariance[0] * covariance[3]), Is.EqualTo(0.98).Within(0.01), "the correlation");
        Assert.That(diag.Covariances.shape, Is.EqualTo(new long[] { 2, 2 }), "diag keeps variances only: [k, d]");
    }

    [Test]
    public void Log_sum_exp_keeps_a_far_away_point_finite()
    {
        using var scope = NewDisposeScope();
        // 5,000 points near −1 and 5,000 near 1, plus one at 1000, which puts the second component's standard deviation at
        // about 14: the far point lies ~70 of them away, so exp(log 𝒩) underflows to 0 for both components (0/0 without
        // log-sum-exp).
        var x = cat([linspace(-1.1, -0.9, 5000, ScalarType.Float64), linspace(0.9, 1.1, 5000, ScalarType.Float64),
            tensor(new[] { 1000.0 })]).unsqueeze(1);
        var initial = Enumerable.Range(0, 10_001).Select(i => i < 5000 ? 0 : 1).ToArray();

        var model = GaussianMixture.Fit(x, initial, 2, Full with { MaxIterations = 1 });

        Assert.That(double.IsFinite(model.LogLikelihood), Is.True);
        Assert.That(Values(model.Means).All(double.IsFinite), Is.True);
        Assert.That(Values(model.Covariances).All(double.IsFinite), Is.True);
        Assert.That(model.Labels[^1], Is.EqualTo(1));
    }
}
