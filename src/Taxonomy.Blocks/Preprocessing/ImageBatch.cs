using TorchSharp;

namespace Taxonomy.Blocks.Preprocessing;

/// <summary>What the image preprocessors share: the shape check, and working through a large set in chunks.</summary>
internal static class ImageBatch
{
    /// <summary>Images per chunk: bounds the temporaries (e.g. HOG's [chunk, bins, h, w] votes) to tens of MB.</summary>
    private const long ChunkSize = 2048;

    /// <summary>Throws unless <paramref name="features"/> is a batch of images [n, channels, height, width].</summary>
    public static void Require(torch.Tensor features, string block)
    {
        if (features.dim() != 4)
        {
            throw new ArgumentException(
                $"'{block}' needs images [channels, height, width] but the samples have shape {Describe(features.shape[1..])}; " +
                "remove the 'flatten' preprocessor before it, or add 'reshape' (e.g. \"shape\": [1, 8, 8]) for flat data");
        }
    }

    /// <summary>A shape as the manifest writes it, e.g. "[1, 8, 8]".</summary>
    public static string Describe(IEnumerable<long> shape) => $"[{string.Join(", ", shape)}]";

    /// <summary>
    /// Applies <paramref name="describe"/> ([m, ...] → [m, d]) to consecutive chunks of the samples and concatenates
    /// the results; each chunk's temporaries die with the chunk.
    /// </summary>
    public static torch.Tensor InChunks(torch.Tensor features, Func<torch.Tensor, torch.Tensor> describe)
    {
        var count = features.shape[0];
        var parts = new List<torch.Tensor>();
        try
        {
            for (long start = 0; start < count; start += ChunkSize)
            {
                using var scope = torch.NewDisposeScope();
                var chunk = features.narrow(0, start, Math.Min(ChunkSize, count - start));
                parts.Add(describe(chunk).MoveToOuterDisposeScope());
            }
            return parts.Count == 1 ? parts[0].alias() : torch.cat(parts, 0);
        }
        finally
        {
            foreach (var part in parts)
            {
                part.Dispose();
            }
        }
    }
}
