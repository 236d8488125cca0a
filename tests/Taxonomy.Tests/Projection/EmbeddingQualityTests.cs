using Taxonomy.Blocks.Projection;
using static TorchSharp.torch;

namespace Taxonomy.Tests.Projection;

[TestFixture]
public class EmbeddingQualityTests
{
    [Test]
    public void Data_mapped_onto_itself_is_fully_trustworthy()
    {
        using var x = randn(60, 4, generator: new Generator(1));
        Assert.That(EmbeddingQuality.Trustworthiness(x, x), Is.EqualTo(1));
    }

    [Test]
    public void Swapping_the_two_end_points_costs_the_hand_computed_penalty()
    {
        // Data 0, 1, 3, 7, 15, 31 (distinct distances); the map swaps the first and the last. With k = 1 the false
        // neighbours are 0→4 (data rank 4), 1→5 (rank 5) and 5→1 (rank 4): Σ (r − k) = 3 + 4 + 3 = 10, and
        // T = 1 − 2 / (6 · 1 · (12 − 3 − 1)) · 10 = 1 − 20 / 48.
        using var x = tensor(new double[] { 0, 1, 3, 7, 15, 31 }, [6, 1]);
        using var map = tensor(new double[] { 31, 1, 3, 7, 15, 0 }, [6, 1]);
        Assert.That(EmbeddingQuality.Trustworthiness(x, map, neighbours: 1), Is.EqualTo(1 - 20.0 / 48).Within(1e-12));
    }

    [Test]
    public void Neighbour_counts_of_half_the_points_or_more_are_refused()
    {
        using var x = randn(10, 2);
        Assert.That(() => EmbeddingQuality.Trustworthiness(x, x, neighbours: 5), Throws.ArgumentException.With.Message.Contains("neighbours < n / 2"));
    }
}
