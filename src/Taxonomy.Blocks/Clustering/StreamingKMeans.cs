using Taxonomy.Abstractions.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Taxonomy.Blocks.Clustering;

/// <summary>
/// What the k-means variants that learn from a few points at a time share: they read the rows chunk by chunk
/// (<see cref="RowChunks"/>), so no step needs all rows in one tensor.
/// <list type="number">
/// <item>Seeding: <c>Restarts</c> k-means++ seedings on a random sample of the rows (scikit-learn's <c>init_size</c>,
/// 3 × batch size, at least 3k); the seeding with the lowest inertia on that sample is kept.</item>
/// <item><see cref="Refine"/>: the variant's own updates, with per-centre counts.</item>
/// <item>A final pass over the chunks assigns every row to its nearest centre and sums the exact inertia.</item>
/// </list>
/// </summary>
public abstract class StreamingKMeans(int sampleBatchSize) : IKMeans
{
    /// <summary>Points per batch; the seeding sample is three batches.</summary>
    protected int BatchSize { get; } = sampleBatchSize;

    public KMeansResult Fit(Tensor points, int clusters, KMeansSettings settings, Generator generator) =>
        Fit(RowChunks.Of(points.detach()), clusters, settings, generator);

    public KMeansResult Fit(RowChunks rows, int clusters, KMeansSettings settings, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(generator);
        if (clusters < 1 || rows.Count < clusters)
        {
            throw new ArgumentException($"k-means needs at least k={clusters} points (k ≥ 1), got {rows.Count}.", nameof(clusters));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Restarts, 1, nameof(settings));

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (centres, sampleVariance) = Seed(rows, clusters, settings.Restarts, generator);
        var steps = Refine(rows, centres, settings.Tolerance * sampleVariance, generator);
        var (labels, inertia) = AssignAll(rows, centres);
        return new KMeansResult(centres.DetachFromDisposeScope(), labels, inertia, steps);
    }

    /// <summary>
    /// Moves <paramref name="centres"/> [k, d] (float32, updated in place) towards the rows. Returns the number of
    /// updates made (batches or points). <paramref name="tolerance"/> is absolute, in squared distance units.
    /// </summary>
    protected abstract int Refine(RowChunks rows, Tensor centres, double tolerance, Generator generator);

    /// <summary>The chunks in a fresh random order, each with its rows in a fresh random order.</summary>
    protected static IEnumerable<Tensor> ShuffledChunks(RowChunks rows, Generator generator)
    {
        using var order = randperm(rows.Chunks, generator: generator);
        foreach (var c in order.data<long>().ToArray())
        {
            Tensor shuffled;
            // The scope closes before the yield, so the caller's own scopes never nest inside this one.
            using (NewDisposeScope())
            {
                var chunk = rows.Read((int)c);
                shuffled = chunk.index_select(0, randperm(chunk.shape[0], generator: generator)).MoveToOuterDisposeScope();
            }
            yield return shuffled;
        }
    }

    /// <summary>Best of <paramref name="restarts"/> k-means++ seedings on a sample; also the sample's mean feature variance.</summary>
    private (Tensor Centres, double MeanVariance) Seed(RowChunks rows, int clusters, int restarts, Generator generator)
    {
        var size = Math.Min(rows.Count, Math.Max(3L * BatchSize, 3L * clusters));
        var indices = size == rows.Count
            ? Enumerable.Range(0, (int)size).Select(i => (long)i).ToArray()
            : randint(rows.Count, [size], generator: generator).unique().output.data<long>().ToArray();
        var sample = rows.Gather(indices);
        if (sample.shape[0] < clusters)
        {
            sample = rows.Gather(Enumerable.Range(0, (int)Math.Min(rows.Count, 3L * clusters)).Select(i => (long)i).ToArray());
        }
        if (!isfinite(sample).all().item<bool>())
        {
            throw new ArgumentException("k-means input contains NaN or infinite values.");
        }
        Tensor? best = null;
        var bestInertia = double.PositiveInfinity;
        for (var r = 0; r < restarts; r++)
        {
            var candidate = KMeans.SeedPlusPlus(sample, clusters, generator);
            var inertia = KMeans.SquaredDistances(sample, candidate).min(1).values.sum(ScalarType.Float64).item<double>();
            if (inertia < bestInertia)
            {
                (best, bestInertia) = (candidate, inertia);
            }
        }
        var variance = sample.to_type(ScalarType.Float64).var(0, unbiased: false).mean().item<double>();
        return (best!.contiguous(), variance);
    }

    /// <summary>Nearest centre of every row and the exact Σ ‖x − c(x)‖², chunk by chunk in float64.</summary>
    private static (int[] Labels, double Inertia) AssignAll(RowChunks rows, Tensor centres)
    {
        var labels = new int[rows.Count];
        var inertia = 0.0;
        for (var c = 0; c < rows.Chunks; c++)
        {
            using var scope = NewDisposeScope();
            var chunk = rows.Read(c);
            if (!isfinite(chunk).all().item<bool>())
            {
                throw new ArgumentException($"k-means input contains NaN or infinite values (rows from {c * rows.ChunkRows}).");
            }
            var nearest = KMeans.AssignNearest(chunk, centres);
            inertia += chunk.sub(centres.index_select(0, nearest)).square().sum(ScalarType.Float64).item<double>();
            nearest.to_type(ScalarType.Int32).data<int>().CopyTo(labels, checked((int)(c * rows.ChunkRows)));
        }
        return (labels, inertia);
    }
}
