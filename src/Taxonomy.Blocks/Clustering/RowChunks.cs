using TorchSharp;

namespace Taxonomy.Blocks.Clustering;

/// <summary>
/// Rows [n, d] read range by range, so that an algorithm that visits them in chunks never needs all of them in one
/// tensor. <see cref="Read"/> returns a tensor the caller disposes (it may be a view of a larger tensor).
/// </summary>
public sealed class RowChunks
{
    /// <summary>Rows per chunk when a tensor already in memory is visited in chunks (bounds the temporaries).</summary>
    public const long DefaultChunkRows = 65_536;

    private readonly Func<long, long, torch.Tensor> _read;

    /// <param name="read">Returns rows [start, start + length) as a float tensor [length, dimensions].</param>
    public RowChunks(long count, long dimensions, Func<long, long, torch.Tensor> read, long chunkRows = DefaultChunkRows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkRows, 1);
        Count = count;
        Dimensions = dimensions;
        ChunkRows = chunkRows;
        _read = read;
    }

    public long Count { get; }

    public long Dimensions { get; }

    public long ChunkRows { get; }

    public int Chunks => checked((int)((Count + ChunkRows - 1) / ChunkRows));

    /// <summary>The rows of a 2-D tensor in memory (views, no copy).</summary>
    public static RowChunks Of(torch.Tensor points, long chunkRows = DefaultChunkRows)
    {
        if (points.dim() != 2)
        {
            throw new ArgumentException($"expected points [n, d], got shape [{string.Join(", ", points.shape)}].", nameof(points));
        }
        return new RowChunks(points.shape[0], points.shape[1], (start, length) => points.narrow(0, start, length).alias(), chunkRows);
    }

    /// <summary>Chunk <paramref name="index"/> (0-based) as float32 [rows, d]; joins the caller's dispose scope.</summary>
    public torch.Tensor Read(int index)
    {
        var start = index * ChunkRows;
        var length = Math.Min(ChunkRows, Count - start);
        var rows = _read(start, length);
        return rows.dtype == torch.float32 ? rows : rows.to(torch.float32);
    }

    /// <summary>The rows at the given sorted indices, gathered chunk by chunk: [indices.Length, d].</summary>
    public torch.Tensor Gather(long[] sortedIndices)
    {
        using var scope = torch.NewDisposeScope();
        var parts = new List<torch.Tensor>();
        var next = 0;
        for (var c = 0; c < Chunks && next < sortedIndices.Length; c++)
        {
            var start = c * ChunkRows;
            var end = Math.Min(start + ChunkRows, Count);
            var local = new List<long>();
            while (next < sortedIndices.Length && sortedIndices[next] < end)
            {
                local.Add(sortedIndices[next++] - start);
            }
            if (local.Count > 0)
            {
                var chunk = Read(c);
                parts.Add(chunk.index_select(0, torch.tensor(local.ToArray())));
            }
        }
        return torch.cat(parts, 0).MoveToOuterDisposeScope();
    }
}
