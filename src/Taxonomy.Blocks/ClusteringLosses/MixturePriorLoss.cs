using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Clustering;
using Taxonomy.Blocks.Features;

namespace Taxonomy.Blocks.ClusteringLosses;

/// <summary>
/// VaDE's clustering term: the KL divergence of the variational posterior q(z, c | x) = q(z|x)·q(c|x) from a Gaussian-
/// mixture prior p(z, c) = π_c·N(z | μ_c, diag σ²_c), in closed form over z, mean over the batch:
///   ½ Σ_c γ_c Σ_j [log σ²_cj + σ̃²_j / σ²_cj + (μ̃_j − μ_cj)² / σ²_cj] + Σ_c γ_c (log γ_c − log π_c) − ½ Σ_j (1 + log σ̃²_j),
/// where q(z|x) = N(μ̃, diag σ̃²) comes from a variational branch ('mlp-vae': the features are μ̃, its "log-variance"
/// output log σ̃²) and γ = q(c|x) = p(c | z) for the branch's sample z (VaDE's approximation, gradients through γ).
/// With a reconstruction loss summed over each sample's features (the decoder's −log p(x|z)), the total is VaDE's
/// negative ELBO. The mixture is the cluster state's (updater 'mixture-init'); trainable, it moves by gradient.
/// </summary>
[Block("mixture-prior", Summary = "VaDE: KL(q(z,c|x) || p(z,c)) to a diagonal Gaussian-mixture prior, closed form over z (with a VAE branch).")]
public sealed class MixturePriorLoss(LossOptions options) : IClusteringLoss
{
    public double Weight => options.Weight;

    public IReadOnlyCollection<StateKey> Requires => DiagonalMixture.Keys;

    public IReadOnlyList<string> RequiredLayers { get; } = [Layers.LogVariance, Layers.Sample];

    public void CheckComposition(Composition composition) =>
        composition.Require(this, composition.FeatureSelector is EmbeddingFeatureSelector { IsRaw: true },
            "needs the features to be the mean μ of q(z|x) as it is: use featureSelector {\"type\": \"embedding\"} " +
            $"without normalize, not {composition.Describe(composition.FeatureSelector)}");

    public torch.Tensor Compute(StepInput step)
    {
        var (means, priorLogVariances, logWeights) = DiagonalMixture.Of(step.Run.State, "mixture-prior");
        var mean = step.Features;
        var logVariance = step.Outputs[Layers.LogVariance];
        if (!mean.shape.SequenceEqual(logVariance.shape) || mean.shape[1] != means.shape[1])
        {
            throw new InvalidOperationException(
                $"mixture-prior: the features [{string.Join(", ", mean.shape)}], the branch's log-variance " +
                $"[{string.Join(", ", logVariance.shape)}] and the mixture's means [{string.Join(", ", means.shape)}] must agree");
        }
        return Kl(mean, logVariance, step.Outputs[Layers.Sample], means, priorLogVariances, logWeights);
    }

    /// <summary>The closed-form KL above for a batch: μ̃ and log σ̃² [b, d], the sample z [b, d]; the prior's parameters.</summary>
    internal static torch.Tensor Kl(torch.Tensor mean, torch.Tensor logVariance, torch.Tensor sample,
        torch.Tensor means, torch.Tensor priorLogVariances, torch.Tensor logWeights)
    {
        var logGamma = DiagonalMixture.LogResponsibilities(sample, means, priorLogVariances, logWeights);   // [b, k]
        var gamma = logGamma.exp();
        var priorVariances = priorLogVariances.exp().unsqueeze(0);                                           // [1, k, d]
        var expectedLogPrior = (priorLogVariances.unsqueeze(0) + logVariance.exp().unsqueeze(1) / priorVariances +
                                (mean.unsqueeze(1) - means.unsqueeze(0)).square() / priorVariances).sum(2); // [b, k]
        var zTerm = (gamma * expectedLogPrior).sum(1) * 0.5;
        var cTerm = (gamma * (logGamma - torch.nn.functional.log_softmax(logWeights, 0).unsqueeze(0))).sum(1);
        var entropy = (logVariance + 1).sum(1) * 0.5;
        return (zTerm + cTerm - entropy).mean();
    }
}
