using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Data;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Clustering;
using Taxonomy.Blocks.ClusteringLosses;
using Taxonomy.Tests.TestSupport;
using static TorchSharp.torch;

namespace Taxonomy.Tests.ClusteringLosses;

[TestFixture]
public sealed class LocalitySparsityLossTests
{
    /// <summary>A branch whose embedding is its input, so neighbours' embeddings are known by hand.</summary>
    private sealed class IdentityBranch : IBranch
    {
        public IReadOnlySet<string> Outputs { get; } = new HashSet<string> { Layers.Embedding };
        public nn.Module Module { get; } = nn.Identity();
        public void Build(long[] sampleShape, int clusters) { }

        public BranchOutput Forward(Tensor inputs, IReadOnlySet<string> required)
        {
            var output = new BranchOutput();
            output.Set(Layers.Embedding, inputs);
            return output;
        }

        public void Dispose() => Module.Dispose();
    }

    private static FakeRunContext Run(float[,] points) => new(tensor(points), clusters: 2)
    {
        DataSet = new Dataset("points", tensor(points), null, "test"),
        BranchUnderTest = new IdentityBranch(),
    };

    [Test]
    public void Nearest_neighbours_exclude_the_sample_itself_even_among_duplicates()
    {
        using var scope = NewDisposeScope();
        var (distances, indices) = NearestNeighbours.Find(tensor(new float[,] { { 0 }, { 0 }, { 3 }, { 7 } }), 2);
        Assert.That(indices.data<long>().ToArray(), Is.EqualTo(new long[] { 1, 2, 0, 2, 1, 0, 2, 1 }).Or.EqualTo(new long[] { 1, 2, 0, 2, 0, 1, 2, 0 }));
        Assert.That(distances.data<double>().ToArray(), Is.EqualTo(new[] { 0.0, 3, 0, 3, 3, 3, 4, 7 }).Within(1e-9));
    }

    [Test]
    public void Group_sparsity_sums_the_scaled_norms_of_the_unit_groups()
    {
        using var scope = NewDisposeScope();
        // Units [3, 4 | 0, 0] and [1, 0 | 0, 2]: √2·5 + 0 and √2·1 + √2·2, mean over the two samples.
        var z = tensor(new float[,] { { 3, 4, 0, 0 }, { 1, 0, 0, 2 } });
        Assert.That(LocalitySparsityLoss.GroupSparsity(z, 2).item<float>(), Is.EqualTo(Math.Sqrt(2) * (5 + 3) / 2).Within(1e-5));
        var error = Assert.Throws<InvalidOperationException>(() => LocalitySparsityLoss.GroupSparsity(z, 5));
        Assert.That(error!.Message, Does.Contain("4 units, fewer than the 5 groups"));
    }

    [Test]
    public void Locality_pulls_each_sample_towards_its_input_space_neighbours_with_heat_weights()
    {
        // Points 0, 1, 3 on a line, one neighbour each: 0↔1 (d² 1), 1↔0 (d² 1), 3→1 (d² 4). Mean d² = 2 = t, so
        // H = e^{-1/2}, e^{-1/2}, e^{-2}. With the embedding moved to z = (10, 0, 0) for the batch {0, 2}:
        // sample 0: H·(10 − 1)² = 81 e^{-1/2}; sample 2: H·(0 − 1)² = e^{-2}; the mean of the two.
        using var scope = NewDisposeScope();
        using var run = Run(new float[,] { { 0 }, { 1 }, { 3 } });
        using var loss = new LocalitySparsityLoss(new LocalitySparsityLoss.Options { Neighbours = 1, Sparsity = 0 });
        var expected = (81 * Math.Exp(-0.5) + Math.Exp(-2)) / 2;
        for (var step = 0; step < 2; step++)
        {
            using var stepScope = NewDisposeScope();   // the graph outlives each step's scope
            Assert.That(loss.Compute(run.Step(tensor(new float[,] { { 10 }, { 0 } }), 0, 2)).item<float>(),
                Is.EqualTo(expected).Within(1e-4), $"step {step + 1}");
        }
        Assert.That(run.Messages.Single(), Does.Contain("1-NN graph of 3 samples, heat width t = 2"));
    }

    [Test]
    public void Only_the_batch_side_carries_gradients()
    {
        using var scope = NewDisposeScope();
        using var run = Run(new float[,] { { 0, 0 }, { 1, 0 }, { 3, 0 } });
        using var loss = new LocalitySparsityLoss(new LocalitySparsityLoss.Options { Neighbours = 1, Sparsity = 0.5 });
        var z = tensor(new float[,] { { 10, 0 }, { 0, 0 } }).requires_grad_();
        loss.Compute(run.Step(z, 0, 2)).backward();
        // Two clusters, two units: one unit per group. d/dz_00 of the batch mean of H(z_00 − 1)² + 0.5·|z_00|
        // is ½·(2·H·9 + 0.5) = 9H + 0.25; the neighbours' side, computed without gradients, adds nothing.
        Assert.That(z.grad!.data<float>()[0], Is.EqualTo(Math.Exp(-0.5) * 9 + 0.25).Within(1e-4));
    }
}
