using Taxonomy.Blocks.Branches;
using static TorchSharp.torch;

namespace Taxonomy.Tests.TestSupport;

/// <summary>A seeded MLP autoencoder 16–8–2 for loss tests: 4×4 images seen flat, a 2-d embedding.</summary>
internal static class TinyAutoencoder
{
    public static MlpAutoencoderBranch Build(int seed, bool batchNorm = false, int embedding = 2)
    {
        manual_seed(seed);
        var options = new MlpAutoencoderBranch.Options { Dims = [8, embedding], BatchNorm = batchNorm };
        options.ApplyDefaults();
        var branch = new MlpAutoencoderBranch(options);
        branch.Build([16], clusters: 2);
        return branch;
    }

    /// <summary>The branch's embedding of <paramref name="inputs"/>.</summary>
    public static Tensor Embed(this MlpAutoencoderBranch branch, Tensor inputs) =>
        branch.Forward(inputs, new HashSet<string> { Abstractions.Training.Layers.Embedding })[Abstractions.Training.Layers.Embedding];
}
