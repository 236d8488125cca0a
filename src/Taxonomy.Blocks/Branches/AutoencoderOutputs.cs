using Taxonomy.Abstractions.Training;

namespace Taxonomy.Blocks.Branches;

/// <summary>The outputs every autoencoder branch names: embedding, reconstruction and hidden1…hiddenN.</summary>
internal static class AutoencoderOutputs
{
    public static IReadOnlySet<string> Names(int hiddenLayers) =>
        new HashSet<string>(Enumerable.Range(1, hiddenLayers).Select(Layers.Hidden)) { Layers.Embedding, Layers.Reconstruction };
}
