namespace Taxonomy.Abstractions.Training;

/// <summary>Well-known names of branch outputs. Branches may add their own (e.g. "hidden1").</summary>
public static class Layers
{
    /// <summary>The code / bottleneck of an autoencoder, or the feature layer of a classifier.</summary>
    public const string Embedding = "embedding";

    /// <summary>The decoder's output, same shape as the input.</summary>
    public const string Reconstruction = "reconstruction";

    /// <summary>Unnormalised scores of a cluster head, [batch, k].</summary>
    public const string Logits = "logits";

    /// <summary>Softmax of the cluster head, [batch, k].</summary>
    public const string Probabilities = "probabilities";

    /// <summary>The i-th hidden layer of the encoder (1-based), e.g. "hidden1".</summary>
    public static string Hidden(int index) => $"hidden{index}";
}
