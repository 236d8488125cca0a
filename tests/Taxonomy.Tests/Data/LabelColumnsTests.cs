using System.Text.Json.Nodes;
using Taxonomy.Abstractions.Data;
using Taxonomy.Blocks.Data;
using Taxonomy.Blocks.Metrics;
using Taxonomy.Tests.TestSupport;
using TorchSharp;

namespace Taxonomy.Tests.Data;

/// <summary>
/// Data with several label columns (the generated digit pairs) and how runs and predictions score a clustering
/// against each column.
/// </summary>
[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class LabelColumnsTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("taxonomy-labels-").FullName;

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void Digit_pairs_put_each_digit_beside_a_seeded_partner_with_both_labels()
    {
        using var digits = DataCatalog.LoadDigits();
        using var pairs = DataCatalog.Load(new DataOptions { Source = "digit-pairs" }, seed: 3);

        Assert.That(pairs.Name, Is.EqualTo("digit-pairs"));
        Assert.That(pairs.SampleShape, Is.EqualTo(new long[] { 128 }));
        Assert.That(pairs.LabelColumns.Select(c => c.Name), Is.EqualTo(new[] { "left", "right" }));
        Assert.That(pairs.Labels, Is.EqualTo(digits.Labels), "every digit once on the left, in order");
        using var image = pairs.Features.reshape(-1, 8, 16);
        using var left = image[.., .., ..8].reshape(-1, 64);
        Assert.That(Same(left, digits.Features), "the left half is the digit itself");

        // The right half is another digit of the set, whose label is the right column's.
        var right = pairs.LabelColumns[1].Values;
        using var rightHalf = image[7, .., 8..].reshape(64);
        var partner = Enumerable.Range(0, digits.Count).Single(i => Same(digits.Features[i], rightHalf) && digits.Labels![i] == right[7]);
        Assert.That(digits.Labels![partner], Is.EqualTo(right[7]));

        Assert.That(ClusteringMetrics.NormalizedMutualInformation(pairs.Labels!, right), Is.LessThan(0.02), "independent columns");
        using var again = DataCatalog.Load(new DataOptions { Source = "digit-pairs" }, seed: 3);
        using var other = DataCatalog.Load(new DataOptions { Source = "digit-pairs" }, seed: 4);
        Assert.That(again.LabelColumns[1].Values, Is.EqualTo(right), "the seed fixes the partners");
        Assert.That(other.LabelColumns[1].Values, Is.Not.EqualTo(right));
    }

    private static bool Same(torch.Tensor a, torch.Tensor b)
    {
        using var scope = torch.NewDisposeScope();
        return a.eq(b).all().item<bool>();
    }

    [Test]
    public void A_limit_keeps_every_column_and_labels_false_drops_them_all()
    {
        using var limited = DataCatalog.Load(new DataOptions { Source = "digit-pairs", Limit = 10 }, seed: 0);
        Assert.That(limited.LabelColumns.Select(c => c.Values.Length), Is.EqualTo(new[] { 10, 10 }));
        using var unlabelled = DataCatalog.Load(new DataOptions { Source = "digit-pairs", Labels = false }, seed: 0);
        Assert.That(unlabelled.LabelColumns, Is.Empty);
        Assert.That(unlabelled.Labels, Is.Null);
    }

    [Test]
    public void Label_columns_must_match_the_samples_and_have_distinct_names()
    {
        using var features = torch.zeros(3, 2);
        Assert.That(() => Dataset.WithLabelColumns("x", features, [new("a", [0, 1, 2]), new("a", [0, 0, 0])], "test"),
            Throws.ArgumentException.With.Message.Contains("distinct names"));
        Assert.That(() => Dataset.WithLabelColumns("x", features, [new("a", [0, 1])], "test"),
            Throws.ArgumentException.With.Message.StartsWith("test: 3 samples but 2 labels in 'a'."));
    }

    [Test]
    public void A_run_and_a_prediction_score_the_clustering_against_each_label_column()
    {
        var run = Path.Combine(_folder, "run");
        var trained = CliRunner.Run("run", Path.Combine(TestPaths.RepositoryRoot, "manifests", "ae-kmeans.json"),
            "--data", "digit-pairs", "--out", run, "--set", "threads=1", "--set", "pretrainingCache=false",
            "--set", "data.limit=300", "--set", "schedule.epochs=2", "--set", "log.metricsEvery=0");
        Assert.That(trained.Code, Is.EqualTo(0), trained.Error);

        var result = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "result.json")))!;
        var byLabel = result["metricsByLabel"]!.AsObject();
        Assert.That(byLabel.Select(p => p.Key), Is.EqualTo(new[] { "left", "right" }));
        var assignments = File.ReadAllLines(Path.Combine(run, "assignments.csv"));
        Assert.That(assignments[0], Is.EqualTo("index,cluster,left,right"));
        var rows = assignments.Skip(1).Select(l => l.Split(',').Select(int.Parse).ToArray()).ToArray();
        var clusters = rows.Select(r => r[1]).ToArray();
        Assert.That(byLabel["right"]!["nmi"]!.GetValue<double>(),
            Is.EqualTo(ClusteringMetrics.NormalizedMutualInformation(rows.Select(r => r[3]).ToArray(), clusters)).Within(1e-12));
        Assert.That(byLabel["left"]!["acc"]!.GetValue<double>(), Is.EqualTo(result["metrics"]!["acc"]!.GetValue<double>()),
            "the headline metrics are the first column's");

        var predicted = Path.Combine(_folder, "predicted");
        var predict = CliRunner.Run("predict", run, "--out", predicted);
        Assert.That(predict.Code, Is.EqualTo(0), predict.Error);
        var prediction = JsonNode.Parse(File.ReadAllText(Path.Combine(predicted, "prediction.json")))!;
        Assert.That(prediction["metricsByLabel"]!["right"]!["nmi"]!.GetValue<double>(),
            Is.EqualTo(byLabel["right"]!["nmi"]!.GetValue<double>()).Within(1e-12));
        Assert.That(File.ReadAllLines(Path.Combine(predicted, "assignments.csv")), Is.EqualTo(assignments));
    }
}
