using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;

namespace Taxonomy.Blocks.Branches;

/// <summary>
/// Variational autoencoder (VaDE): the MLP autoencoder with a second encoder head, so the encoder gives q(z|x) =
/// N(μ, diag σ²): the embedding is μ, "log-variance" is log σ², and "sample" is z = μ + σ·ε (ε ~ N(0, I)) while
/// training, μ when evaluating. The decoder reconstructs z whenever a loss asks for the sample (the VAE phase), μ
/// otherwise (the plain-autoencoder pre-training VaDE starts from). Options as 'mlp-autoencoder'.
/// </summary>
[Block("mlp-vae", Summary = "Variational MLP autoencoder: embedding = mean of q(z|x), log-variance head, reparameterised sample (VaDE).")]
public sealed class MlpVaeBranch(MlpAutoencoderBranch.Options options) : MlpAutoencoderBranch(options)
{
    public override IReadOnlySet<string> Outputs { get; } =
        new HashSet<string>(AutoencoderOutputs.Names(hiddenLayers: options.Dims!.Count - 1)) { Layers.LogVariance, Layers.Sample };

    private protected override bool Variational => true;
}
