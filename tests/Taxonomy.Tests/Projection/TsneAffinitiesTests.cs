using Taxonomy.Blocks.Projection;
using static TorchSharp.torch;

namespace Taxonomy.Tests.Projection;

[TestFixture]
public class TsneAffinitiesTests
{
    [Test]
    public void Calibrated_rows_sum_to_one_with_the_requested_perplexity()
    {
        using var scope = NewDisposeScope();
        var x = randn(200, 5, dtype: ScalarType.Float64, generator: new Generator(2));
        var d2 = cdist(x, x).square();
        d2.diagonal().fill_(double.PositiveInfinity);
        var p = PerplexityCalibration.Conditional(d2, 20);
        Assert.That(p.sum(1).data<double>().ToArray(), Is.All.EqualTo(1).Within(1e-12));
        var entropy = -where(p > 0, p * p.log(), zeros_like(p)).sum(1);
        Assert.That(entropy.exp().data<double>().ToArray(), Is.All.EqualTo(20).Within(1e-3).Percent);
        Assert.That(p.diagonal().abs().max().item<double>(), Is.Zero);
    }

    [Test]
    public void Neighbour_affinities_are_symmetric_and_sum_to_one()
    {
        using var x = randn(150, 4, generator: new Generator(3));
        var p = SparseAffinities.Create(x, perplexity: 10);
        var entries = new Dictionary<(int, int), double>();
        for (var i = 0; i < p.Count; i++)
        {
            for (var e = p.RowStart[i]; e < p.RowStart[i + 1]; e++)
            {
                entries.Add((i, p.Columns[e]), p.Values[e]);   // Add throws on a duplicate column
            }
        }
        Assert.That(p.Values.Sum(), Is.EqualTo(1).Within(1e-12));
        Assert.That(entries.Keys, Has.None.Matches<(int Row, int Column)>(key => key.Row == key.Column));
        Assert.That(entries.All(pair => entries.TryGetValue((pair.Key.Item2, pair.Key.Item1), out var mirror) && mirror == pair.Value));
        // Each row keeps at least its own ⌊3 · 10⌋ + 1 = 31 neighbours.
        Assert.That(Enumerable.Range(0, p.Count).Min(i => p.RowStart[i + 1] - p.RowStart[i]), Is.GreaterThanOrEqualTo(31));
    }

    [Test]
    public void Exact_joint_affinities_are_symmetric_and_sum_to_one()
    {
        using var x = randn(100, 3, generator: new Generator(4));
        using var objective = ExactTsneObjective.Create(x, perplexity: 15, dims: 2);
        Assert.That(objective.P.sum().item<double>(), Is.EqualTo(1).Within(1e-12));
        Assert.That((objective.P - objective.P.t()).abs().max().item<double>(), Is.Zero);
    }
}
