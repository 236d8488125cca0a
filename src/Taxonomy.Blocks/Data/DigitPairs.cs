using Taxonomy.Abstractions.Data;
using TorchSharp;

namespace Taxonomy.Blocks.Data;

/// <summary>
/// Data with two true groupings, for non-redundant clustering: every embedded digit on the left of an 8×16 image,
/// beside a digit drawn by a seeded permutation on the right (flattened row by row to 128 values, 0..16). Its two
/// label columns, "left" and "right", are independent: a clustering by one says nothing about the other.
/// </summary>
public static class DigitPairs
{
    public const string Name = "digit-pairs";

    public static Dataset Create(Dataset digits, int seed)
    {
        var labels = digits.Labels ?? throw new ArgumentException("digit pairs need the labelled digits", nameof(digits));
        var n = digits.Count;
        var partner = Enumerable.Range(0, n).ToArray();
        new Random(seed).Shuffle(partner);

        using var scope = torch.NewDisposeScope();
        var left = digits.Features.reshape(n, 8, 8);
        var right = left.index_select(0, torch.tensor(partner.Select(i => (long)i).ToArray()));
        var pairs = torch.cat([left, right], dim: 2).reshape(n, 128).contiguous().MoveToOuterDisposeScope();
        return Dataset.WithLabelColumns(Name, pairs,
            [new LabelColumn("left", labels), new LabelColumn("right", partner.Select(i => labels[i]).ToArray())],
            $"pairs of the embedded digits side by side (8x16, right digit by seed {seed})");
    }
}
