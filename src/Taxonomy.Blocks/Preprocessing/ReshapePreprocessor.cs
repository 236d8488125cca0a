using System.ComponentModel;
using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;

namespace Taxonomy.Blocks.Preprocessing;

/// <summary>Gives every sample a new shape with the same values, e.g. the 64 columns of digits to [1, 8, 8] images.</summary>
[Block("reshape", Summary = "Give each sample a new shape with the same number of values, e.g. 64 columns to [1, 8, 8] for conv branches.")]
public sealed class ReshapePreprocessor(ReshapePreprocessor.Options options) : IPreprocessor
{
    public sealed class Options : BlockOptions
    {
        [Description("The shape of one sample, without the batch axis: [channels, height, width] for images, e.g. [1, 8, 8].")]
        public List<int>? Shape { get; set; }

        public override IEnumerable<(string Option, string Message)> Validate()
        {
            if (Shape is null || Shape.Count == 0 || Shape.Any(d => d <= 0))
            {
                yield return ("shape", "must list the positive sizes of one sample, e.g. [1, 8, 8]");
            }
        }
    }

    public torch.Tensor Apply(torch.Tensor features)
    {
        var from = features.shape[1..];
        var to = options.Shape!.Select(d => (long)d).ToArray();
        long Count(long[] shape) => shape.Aggregate(1L, (a, b) => a * b);
        if (Count(from) != Count(to))
        {
            throw new ArgumentException(
                $"cannot reshape samples of shape {ImageBatch.Describe(from)} ({Count(from)} values) " +
                $"to {ImageBatch.Describe(to)} ({Count(to)} values)");
        }
        return features.reshape([features.shape[0], .. to]);
    }
}
