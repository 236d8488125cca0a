using System.Globalization;

namespace Taxonomy.Blocks.Metrics;

/// <summary>The four scores reported for every run, each in [0, 1] except ARI (down to -0.5).</summary>
public sealed record MetricSet(double Accuracy, double Nmi, double Ari, double Purity)
{
    public static MetricSet Compute(int[] labels, int[] clusters) => new(
        ClusteringMetrics.Accuracy(labels, clusters),
        ClusteringMetrics.NormalizedMutualInformation(labels, clusters),
        ClusteringMetrics.AdjustedRandIndex(labels, clusters),
        ClusteringMetrics.Purity(labels, clusters));

    /// <summary>One log line, e.g. <c>ACC 0.8123  NMI 0.7654  ARI 0.6543  purity 0.8200</c>; culture-invariant.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture, $"ACC {Accuracy:F4}  NMI {Nmi:F4}  ARI {Ari:F4}  purity {Purity:F4}");
}
