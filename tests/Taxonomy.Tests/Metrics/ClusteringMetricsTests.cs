using Taxonomy.Blocks.Metrics;

namespace Taxonomy.Tests.Metrics;

// Expected NMI/ARI values come from a throwaway pure-Python port of scikit-learn's
// normalized_mutual_info_score (arithmetic) and adjusted_rand_score (sklearn/metrics/cluster/_supervised.py),
// which reproduces sklearn's documented textbook values; NMI was cross-checked at 50 digits with
// decimal.ln, ARI against an exact Fraction. Accuracy was brute-forced over all one-to-one maps; purity
// is an exact fraction.
[TestFixture]
public sealed class ClusteringMetricsTests
{
    private const double Tolerance = 1e-9;

    [Test]
    public void Textbook_example_matches_scikit_learn()
    {
        int[] labels = [0, 0, 0, 1, 1, 1];
        int[] clusters = [0, 0, 1, 1, 2, 2];

        AssertMetrics(labels, clusters,
            accuracy: 4.0 / 6, nmi: 0.5158037429793889, ari: 0.24242424242424243 /* 8/33 */, purity: 5.0 / 6);
    }

    [Test]
    public void Perfect_match_with_renamed_clusters_scores_one_everywhere()
    {
        int[] labels = [0, 0, 1, 1, 2, 2, 2];
        int[] clusters = [2, 2, 0, 0, 1, 1, 1];

        AssertMetrics(labels, clusters, accuracy: 1.0, nmi: 1.0, ari: 1.0, purity: 1.0);
    }

    [Test]
    public void More_clusters_than_labels_leaves_extra_clusters_unmatched()
    {
        int[] labels = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2];
        int[] clusters = [0, 0, 1, 1, 2, 2, 3, 3, 4, 0];

        AssertMetrics(labels, clusters,
            accuracy: 0.5, nmi: 0.6615274994611928, ari: 0.2918454935622318 /* 68/233 */, purity: 0.9);
    }

    [Test]
    public void Fewer_clusters_than_labels_leaves_extra_labels_unmatched()
    {
        // A method that estimates k may find fewer clusters than classes: cluster 0 holds labels 0 and 1, so one of
        // them is matched (2 samples), cluster 1 is label 2 (2 samples): 4 of 6.
        int[] labels = [0, 0, 1, 1, 2, 2];
        int[] clusters = [0, 0, 0, 0, 1, 1];

        Assert.That(ClusteringMetrics.Accuracy(labels, clusters), Is.EqualTo(4 / 6.0).Within(1e-12));
    }

    [Test]
    public void Negative_and_non_contiguous_ids_only_matter_as_a_partition()
    {
        int[] labels = [-5, -5, 7, 7, 7, 100, 100, -5];
        int[] clusters = [42, 42, -1, -1, 42, 3, 3, 3];

        AssertMetrics(labels, clusters,
            accuracy: 0.75, nmi: 0.5588730382170324, ari: 0.23809523809523808 /* 5/21 */, purity: 0.75);
    }

    [Test]
    public void Both_sides_with_a_single_class_are_a_perfect_match()
    {
        int[] labels = [4, 4, 4, 4];
        int[] clusters = [9, 9, 9, 9];

        AssertMetrics(labels, clusters, accuracy: 1.0, nmi: 1.0, ari: 1.0, purity: 1.0);
    }

    [Test]
    public void A_single_cluster_over_several_labels_carries_no_information()
    {
        int[] labels = [0, 0, 1, 1];
        int[] clusters = [0, 0, 0, 0];

        AssertMetrics(labels, clusters, accuracy: 0.5, nmi: 0.0, ari: 0.0, purity: 0.5);
    }

    [Test]
    public void One_cluster_per_sample_is_pure_but_scores_zero_nmi_and_ari()
    {
        int[] labels = [0, 0, 0, 0];
        int[] clusters = [0, 1, 2, 3];

        AssertMetrics(labels, clusters, accuracy: 0.25, nmi: 0.0, ari: 0.0, purity: 1.0);
    }

    [Test]
    public void Independent_labellings_score_zero_nmi_and_negative_ari()
    {
        int[] labels = [0, 0, 1, 1];
        int[] clusters = [0, 1, 0, 1];

        AssertMetrics(labels, clusters, accuracy: 0.5, nmi: 0.0, ari: -0.5, purity: 0.5);
    }

    [Test]
    public void Merged_classes_match_scikit_learns_documented_example()
    {
        // sklearn's docstring: adjusted_rand_score([0, 0, 1, 2], [0, 0, 1, 1]) == 0.57...
        int[] labels = [0, 0, 1, 2];
        int[] clusters = [0, 0, 1, 1];

        AssertMetrics(labels, clusters,
            accuracy: 0.75, nmi: 0.7999999999999999, ari: 0.5714285714285714 /* 4/7 */, purity: 0.75);
    }

    [Test]
    public void Pseudo_random_two_hundred_samples_match_scikit_learn()
    {
        var (labels, clusters) = LcgCase(count: 200, seed: 12345);

        AssertMetrics(labels, clusters,
            accuracy: 0.74, nmi: 0.5378285510535948, ari: 0.5066797030145129 /* 533251/1052442 */, purity: 0.765);
    }

    [Test]
    public void Seventy_thousand_samples_do_not_overflow_the_pair_counts()
    {
        // n⁴-sized products in ARI exceed long; labels i % 4, the last quarter shifted into a fifth cluster.
        const int n = 70_000;
        var labels = Enumerable.Range(0, n).Select(i => i % 4).ToArray();
        var clusters = Enumerable.Range(0, n).Select(i => i < 52_500 ? i % 4 : (i + 1) % 5).ToArray();

        AssertMetrics(labels, clusters,
            accuracy: 0.8, nmi: 0.5085369940465054, ari: 0.5793800316462797 /* 1574854/2718171 */, purity: 0.8125);
    }

    [Test]
    public void Metrics_are_symmetric_where_scikit_learns_are()
    {
        var (labels, clusters) = LcgCase(count: 200, seed: 12345);

        Assert.That(ClusteringMetrics.NormalizedMutualInformation(clusters, labels),
            Is.EqualTo(ClusteringMetrics.NormalizedMutualInformation(labels, clusters)).Within(Tolerance));
        Assert.That(ClusteringMetrics.AdjustedRandIndex(clusters, labels),
            Is.EqualTo(ClusteringMetrics.AdjustedRandIndex(labels, clusters)).Within(Tolerance));
    }

    [Test]
    public void Different_lengths_are_rejected_naming_both_lengths()
    {
        var error = Assert.Throws<ArgumentException>(() => ClusteringMetrics.Accuracy([0, 1, 2], [0, 1]));

        Assert.That(error!.Message, Does.Contain("lengths").And.Contain("3").And.Contain("2"));
    }

    [Test]
    public void Empty_inputs_are_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => ClusteringMetrics.NormalizedMutualInformation([], []));

        Assert.That(error!.Message, Does.Contain("empty"));
    }

    [Test]
    public void Null_inputs_are_rejected_naming_the_argument()
    {
        var error = Assert.Throws<ArgumentNullException>(() => ClusteringMetrics.AdjustedRandIndex(null!, [0]));

        Assert.That(error!.ParamName, Is.EqualTo("labels"));
    }

    [Test]
    public void Metric_set_computes_all_four_and_prints_one_line()
    {
        int[] labels = [0, 0, 0, 1, 1, 1];
        int[] clusters = [0, 0, 1, 1, 2, 2];

        var metrics = MetricSet.Compute(labels, clusters);

        Assert.That(metrics.Accuracy, Is.EqualTo(4.0 / 6).Within(Tolerance));
        Assert.That(metrics.Nmi, Is.EqualTo(0.5158037429793889).Within(Tolerance));
        Assert.That(metrics.Ari, Is.EqualTo(0.24242424242424243).Within(Tolerance));
        Assert.That(metrics.Purity, Is.EqualTo(5.0 / 6).Within(Tolerance));
        Assert.That(metrics.ToString(), Is.EqualTo("ACC 0.6667  NMI 0.5158  ARI 0.2424  purity 0.8333"));
    }

    private static void AssertMetrics(int[] labels, int[] clusters, double accuracy, double nmi, double ari, double purity)
    {
        Assert.Multiple(() =>
        {
            Assert.That(ClusteringMetrics.Accuracy(labels, clusters), Is.EqualTo(accuracy).Within(Tolerance), "accuracy");
            Assert.That(ClusteringMetrics.NormalizedMutualInformation(labels, clusters), Is.EqualTo(nmi).Within(Tolerance), "NMI");
            Assert.That(ClusteringMetrics.AdjustedRandIndex(labels, clusters), Is.EqualTo(ari).Within(Tolerance), "ARI");
            Assert.That(ClusteringMetrics.Purity(labels, clusters), Is.EqualTo(purity).Within(Tolerance), "purity");
        });
    }

    // Same generator as the Python reference: glibc-style LCG mod 2³¹, high bits. Labels 0..5; 70 % of
    // clusters are the label shifted by 2, the rest uniform over 0..7 (so 8 clusters against 6 labels).
    private static (int[] Labels, int[] Clusters) LcgCase(int count, ulong seed)
    {
        var state = seed;
        int Next()
        {
            state = (state * 1103515245UL + 12345UL) & 0x7FFFFFFFUL;
            return (int)(state >> 16);
        }

        var labels = new int[count];
        var clusters = new int[count];
        for (var i = 0; i < count; i++)
        {
            labels[i] = Next() % 6;
            clusters[i] = Next() % 10 < 7 ? (labels[i] + 2) % 6 : Next() % 8;
        }
        return (labels, clusters);
    }
}
