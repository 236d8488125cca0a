using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Branches;
using Taxonomy.Host.Platform;
using Taxonomy.Host.Training;
using static TorchSharp.torch;

namespace Taxonomy.Tests.Training;

[TestFixture]
public sealed class ChunkedForwardTests
{
    private static CnnClassifierBranch Cnn()
    {
        var options = new CnnClassifierBranch.Options { Channels = [8, 16], Dense = [] };
        options.ApplyDefaults();
        var branch = new CnnClassifierBranch(options, HostPlatform.Process.Convolutions);
        branch.Build([1, 12, 12], clusters: 3);
        return branch;
    }

    [Test]
    public void A_small_budget_gives_small_chunks_and_the_same_features()
    {
        using var scope = NewDisposeScope();
        using var branch = Cnn();
        manual_seed(3);
        var images = rand(100, 1, 12, 12);
        var layers = new[] { Layers.Embedding, Layers.Probabilities };

        branch.Module.eval();
        var rows = ChunkedForward.RowsPerChunk(branch, images, layers.ToHashSet(), budgetBytes: 20_000);
        // Per image at least the two stages' outputs, 8×6×6 + 16×3×3 floats (1,728 bytes), so at most 11 rows.
        Assert.That(rows, Is.InRange(1, 11));

        branch.Module.train();
        var whole = ChunkedForward.OverAll(branch, images, layers, o => o[Layers.Probabilities], budgetBytes: 1L << 30);
        var chunked = ChunkedForward.OverAll(branch, images, layers, o => o[Layers.Probabilities], budgetBytes: 20_000);

        Assert.That(chunked.shape, Is.EqualTo(new long[] { 100, 3 }));
        Assert.That(chunked.allclose(whole, rtol: 1e-5, atol: 1e-6), Is.True);
        Assert.That(branch.Module.training, Is.True, "the branch goes back to training mode");
    }

    [Test]
    public void Small_networks_keep_the_largest_chunk()
    {
        using var scope = NewDisposeScope();
        using var branch = Cnn();
        branch.Module.eval();
        var rows = ChunkedForward.RowsPerChunk(branch, rand(10, 1, 12, 12), new HashSet<string> { Layers.Embedding }, ChunkedForward.DefaultBudgetBytes);
        Assert.That(rows, Is.EqualTo(ChunkedForward.MaxRows));
    }

    [Test]
    public void Chunks_leave_no_tensors_behind()
    {
        using var branch = Cnn();
        var images = rand(50, 1, 12, 12);
        var before = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        using (var features = ChunkedForward.OverAll(branch, images, [Layers.Embedding], o => o[Layers.Embedding], budgetBytes: 10_000))
        {
            Assert.That(features.shape[0], Is.EqualTo(50));
        }
        Assert.That(TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount, Is.EqualTo(before));
        images.Dispose();
    }
}
