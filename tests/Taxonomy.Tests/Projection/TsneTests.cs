using System.Diagnostics;
using Taxonomy.Blocks.Data;
using Taxonomy.Blocks.Projection;
using static TorchSharp.torch;

namespace Taxonomy.Tests.Projection;

[TestFixture]
public class TsneTests
{
    [TestCase(TsneMethod.Exact)]
    [TestCase(TsneMethod.BarnesHut)]
    public void Well_separated_blobs_come_out_separated(TsneMethod method)
    {
        using var blobs = SyntheticData.Blobs(seed: 1, clusters: 3, perCluster: 60, dimensions: 10, spread: 1);
        using var result = new Tsne(new TsneOptions { Method = method, Perplexity = 15, Iterations = 400 }).Fit(blobs.Features, new Generator(0));
        var map = result.Embedding.data<float>().ToArray();
        var labels = blobs.Labels!;
        var centres = Enumerable.Range(0, 3).Select(c => Centre(map, labels, c)).ToArray();
        var spread = Enumerable.Range(0, labels.Length).Average(i => Distance(map, i, centres[labels[i]]));
        var closest = Enumerable.Range(0, 3).SelectMany(a => Enumerable.Range(a + 1, 2 - a).Select(b => Math.Sqrt(
            Math.Pow(centres[a].X - centres[b].X, 2) + Math.Pow(centres[a].Y - centres[b].Y, 2)))).Min();
        Assert.That(closest, Is.GreaterThan(4 * spread));
        Assert.That(Enumerable.Range(0, labels.Length).All(i => Enumerable.Range(0, 3).MinBy(c => Distance(map, i, centres[c])) == labels[i]));
    }

    [Test]
    public void The_same_seed_gives_the_same_map_and_another_seed_another()
    {
        using var blobs = SyntheticData.Blobs(seed: 2, clusters: 2, perCluster: 30, dimensions: 4, spread: 1);
        var options = new TsneOptions { Init = TsneInit.Random, Perplexity = 10, ExaggerationIterations = 50, Iterations = 150 };
        using var first = new Tsne(options).Fit(blobs.Features, new Generator(5));
        using var again = new Tsne(options).Fit(blobs.Features, new Generator(5));
        using var other = new Tsne(options).Fit(blobs.Features, new Generator(6));
        Assert.That(again.Embedding.data<float>().ToArray(), Is.EqualTo(first.Embedding.data<float>().ToArray()));
        Assert.That(other.Embedding.data<float>().ToArray(), Is.Not.EqualTo(first.Embedding.data<float>().ToArray()));
    }

    [Test]
    public void The_first_600_digits_map_by_barnes_hut_as_well_as_scikit_learns() =>
        MapDigitsAsScikitLearn(TsneMethod.BarnesHut, "barnes_hut_600", rows: 600);

    [Test, Explicit("24–34 s in a Debug build on a shared 2-core machine; figures in docs/results.md.")]
    public void Digits_map_by_barnes_hut_as_well_as_scikit_learns() => MapDigitsAsScikitLearn(TsneMethod.BarnesHut, "barnes_hut");

    [Test, Explicit("Minutes on a shared 2-core machine (1,000 exact steps over 1,797² pairs); figures in docs/results.md.")]
    public void Digits_map_exactly_as_well_as_scikit_learns() => MapDigitsAsScikitLearn(TsneMethod.Exact, "exact");

    /// <summary>Within 10 % of scikit-learn's final KL and 0.01 of its trustworthiness (k = 5), same options and data.</summary>
    private static void MapDigitsAsScikitLearn(TsneMethod method, string reference, int? rows = null)
    {
        using var digits = DataCatalog.LoadDigits(rows);
        var clock = Stopwatch.StartNew();
        using var result = new Tsne(new TsneOptions { Method = method }).Fit(digits.Features, new Generator(0));
        var trustworthiness = EmbeddingQuality.Trustworthiness(digits.Features, result.Embedding);
        TestContext.Out.WriteLine($"{method}: KL {result.KlDivergence:F4} (scikit-learn {DigitsReference.Kl(reference):F4}), " +
                                  $"trustworthiness {trustworthiness:F4} (scikit-learn {DigitsReference.Trustworthiness(reference):F4}), {clock.Elapsed.TotalSeconds:F1} s");
        Assert.That(result.KlDivergence, Is.EqualTo(DigitsReference.Kl(reference)).Within(10).Percent);
        Assert.That(trustworthiness, Is.EqualTo(DigitsReference.Trustworthiness(reference)).Within(0.01));
    }

    [Test]
    public void Auto_learning_rate_is_n_over_four_times_the_exaggeration_with_a_floor_of_fifty()
    {
        var options = new TsneOptions();
        Assert.That((options.LearningRateFor(1797), options.LearningRateFor(10_000)), Is.EqualTo((50.0, 10_000 / 48.0)));
    }

    [Test]
    public void Auto_method_is_exact_up_to_the_limit_and_barnes_hut_above()
    {
        var options = new TsneOptions();
        Assert.That((options.MethodFor(TsneOptions.ExactLimit), options.MethodFor(TsneOptions.ExactLimit + 1)),
            Is.EqualTo((TsneMethod.Exact, TsneMethod.BarnesHut)));
    }

    [Test]
    public void A_perplexity_of_at_least_the_point_count_is_refused_with_both_numbers()
    {
        using var x = randn(20, 3);
        Assert.That(() => new Tsne(new TsneOptions { Perplexity = 20 }).Fit(x, new Generator(0)),
            Throws.ArgumentException.With.Message.EqualTo("t-SNE: perplexity must lie in (0, 20) for 20 points; got 20"));
    }

    [Test, Explicit("Timing: 10,000 × 10 blobs, Barnes–Hut, 1,000 steps; recorded in docs/results.md.")]
    public void Ten_thousand_points_map_within_a_minute()
    {
        using var blobs = SyntheticData.Blobs(seed: 0, clusters: 10, perCluster: 1000, dimensions: 10, spread: 1);
        var clock = Stopwatch.StartNew();
        using var result = new Tsne(new TsneOptions()).Fit(blobs.Features, new Generator(0));
        var seconds = clock.Elapsed.TotalSeconds;
        var trustworthiness = EmbeddingQuality.Trustworthiness(blobs.Features, result.Embedding);
        TestContext.Out.WriteLine($"{result.Method}, {TorchSharp.torch.get_num_threads()} torch threads, {Environment.ProcessorCount} cores: " +
                                  $"{seconds:F1} s, KL {result.KlDivergence:F4}, trustworthiness {trustworthiness:F4}");
        Assert.That(seconds, Is.LessThan(60));
    }

    private static (double X, double Y) Centre(float[] map, int[] labels, int cluster)
    {
        var members = Enumerable.Range(0, labels.Length).Where(i => labels[i] == cluster).ToList();
        return (members.Average(i => map[2 * i]), members.Average(i => map[2 * i + 1]));
    }

    private static double Distance(float[] map, int i, (double X, double Y) centre) =>
        Math.Sqrt(Math.Pow(map[2 * i] - centre.X, 2) + Math.Pow(map[2 * i + 1] - centre.Y, 2));
}
