using Taxonomy.Blocks.Clustering;
using static TorchSharp.torch;

namespace Taxonomy.Tests.Clustering;

[TestFixture]
public sealed class NearestNeighboursTests
{
    [Test]
    public void Neighbours_found_in_chunks_with_float32_candidates_are_the_exact_float64_ones()
    {
        // 2,500 points (three chunks of 1,024 rows) in 30-D, far from the origin so float32's |x|² + |y|² − 2x·y loses
        // digits; the brute-force float64 answer must come back exactly.
        using var scope = NewDisposeScope();
        manual_seed(5);
        var x = randn(2500, 30, dtype: ScalarType.Float64) + 50;
        const int k = 7;

        var (distances, indices) = NearestNeighbours.Find(x.to(ScalarType.Float32), k);

        var exact = x.to(ScalarType.Float32).to(ScalarType.Float64);
        var all = cdist(exact, exact);
        all.diagonal().fill_(double.PositiveInfinity);
        var (expected, expectedIndices) = all.topk(k, dim: 1, largest: false, sorted: true);
        Assert.That((distances - expected).abs().max().item<double>(), Is.LessThan(1e-9));
        Assert.That(indices.equal(expectedIndices).all().item<bool>(), Is.True);
    }
}
