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

    /// <summary>A variational encoder's log σ² of q(z|x), same shape as the embedding (which is its mean μ).</summary>
    public const string LogVariance = "log-variance";

    /// <summary>A variational encoder's sample z = μ + σ·ε, ε ~ N(0, I), drawn while training.</summary>
    public const string Sample = "sample";

    /// <summary>The i-th hidden layer of the encoder (1-based), e.g. "hidden1".</summary>
    public static string Hidden(int index) => $"hidden{index}";
}
