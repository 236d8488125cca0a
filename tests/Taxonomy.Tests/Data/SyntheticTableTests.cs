using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Clustering;
using Taxonomy.Blocks.Data;
using Taxonomy.Blocks.Metrics;
using TorchSharp;

namespace Taxonomy.Tests.Data;

/// <summary>The generated table: unequal clusters, columns on their own scales, irrelevant columns, one seed one table.</summary>
[TestFixture]
public sealed class SyntheticTableTests
{
    [Test]
    public void The_table_has_unequal_clusters_and_the_columns_asked_for()
    {
        using var table = DataCatalog.Load(new DataOptions { Source = "table", Clusters = 3, PerCluster = 100, Dimensions = 5, Irrelevant = 2 }, seed: 1);

        Assert.That(table.SampleShape, Is.EqualTo(new long[] { 7 }));
        Assert.That(table.Labels!.GroupBy(l => l).OrderBy(g => g.Key).Select(g => g.Count()), Is.EqualTo(new[] { 100, 75, 50 }));
        Assert.That(table.Labels!.Take(20).Distinct().Count(), Is.GreaterThan(1), "rows are shuffled");
    }

    [Test]
    public void Columns_are_on_different_scales_and_the_irrelevant_ones_say_nothing_of_the_clusters()
    {
        using var table = DataCatalog.Load(new DataOptions { Source = "table", Dimensions = 6, Irrelevant = 3 }, seed: 2);
        var spreads = table.Features.std(0).data<float>().ToArray();
        Assert.That(spreads.Max() / spreads.Min(), Is.GreaterThan(10), "columns on their own scales");

        // Each column's between-cluster share of variance: high for the informative columns, near 0 for the noise.
        var labels = torch.tensor(table.Labels!.Select(l => (long)l).ToArray());
        double Explained(int column)
        {
            using var scope = torch.NewDisposeScope();
            var x = table.Features[.., column].to(torch.float64);
            var means = Enumerable.Range(0, 3).Select(c => x[labels.eq(c)].mean().item<double>()).ToArray();
            var fitted = torch.tensor(table.Labels!.Select(l => means[l]).ToArray());
            return 1 - (x - fitted).var().item<double>() / x.var().item<double>();
        }
        Assert.That(Enumerable.Range(6, 3).Select(Explained), Has.All.LessThan(0.05));
        Assert.That(Enumerable.Range(0, 6).Select(Explained).Average(), Is.GreaterThan(0.3));
    }

    [Test]
    public void A_seed_gives_one_table_and_k_means_on_scaled_columns_finds_its_clusters()
    {
        using var a = DataCatalog.Load(new DataOptions { Source = "table" }, seed: 5);
        using var b = DataCatalog.Load(new DataOptions { Source = "table" }, seed: 5);
        using var c = DataCatalog.Load(new DataOptions { Source = "table" }, seed: 6);
        Assert.That(a.Features.data<float>().ToArray(), Is.EqualTo(b.Features.data<float>().ToArray()));
        Assert.That(a.Features.data<float>().ToArray(), Is.Not.EqualTo(c.Features.data<float>().ToArray()));

        Assert.That(KMeansAccuracy(1.0), Is.GreaterThan(0.95), "separated clusters at spread 1");
        Assert.That(KMeansAccuracy(3.0), Is.LessThan(KMeansAccuracy(1.0)), "a larger spread overlaps them");
    }

    /// <summary>k-means on the min-max scaled columns of the seed-5 table with the given spread.</summary>
    private static double KMeansAccuracy(double spread)
    {
        using var table = DataCatalog.Load(new DataOptions { Source = "table", Spread = spread }, seed: 5);
        using var scope = torch.NewDisposeScope();
        var x = table.Features;
        var scaled = (x - x.amin(0)) / (x.amax(0) - x.amin(0));
        using var generator = new torch.Generator(0);
        using var result = new KMeans().Fit(scaled, 3, new KMeansSettings(), generator);
        return ClusteringMetrics.Accuracy(table.Labels!, result.Labels);
    }
}
