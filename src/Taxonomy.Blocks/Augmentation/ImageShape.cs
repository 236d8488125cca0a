namespace Taxonomy.Blocks.Augmentation;

/// <summary>How the losses that work on images see a sample: its own [c, h, w], a given imageShape, or a square.</summary>
internal static class ImageShape
{
    /// <summary>
    /// [channels, height, width] of samples of shape <paramref name="sample"/>: the sample's own when it is 3-D, else
    /// <paramref name="given"/> (the option <paramref name="field"/>), else a single-channel square for flat samples.
    /// </summary>
    public static long[] Of(long[] sample, IReadOnlyList<long>? given, string owner, string field)
    {
        if (sample.Length == 3)
        {
            return sample;
        }
        var features = sample.Aggregate(1L, (a, b) => a * b);
        if (given is { } shape)
        {
            if (shape[0] * shape[1] * shape[2] != features)
            {
                throw new ArgumentException(
                    $"{owner}: {field} [{string.Join(", ", shape)}] holds {shape[0] * shape[1] * shape[2]} values but each " +
                    $"sample has {features}");
            }
            return [.. shape];
        }
        var side = (long)Math.Round(Math.Sqrt(features));
        if (sample.Length != 1 || side * side != features)
        {
            throw new ArgumentException(
                $"{owner}: samples of shape [{string.Join(", ", sample)}] are not images; keep them as " +
                $"[channels, height, width] (no 'flatten') or set {field}");
        }
        return [1, side, side];
    }
}
