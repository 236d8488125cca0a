using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;

namespace Taxonomy.Blocks.ClusteringLosses;

/// <summary>
/// Information maximisation over the mini-batch (RIM, Krause et al. 2010; IMSAT, Hu et al. 2017, Eq. 7):
/// H(Y|X) − μ·H(Y), where H(Y|X) = mean_i −Σ_k p_ik ln p_ik hardens each assignment and H(Y) = −Σ_k p̄_k ln p̄_k of the
/// batch's mean prediction p̄ balances the clusters. p = softmax of the branch's logits (log-softmax for ln p). μ = 1 is
/// minus the mutual information I(X; Y); IMSAT uses μ = 4 and weights the term λ = 0.1 against self-augmentation.
/// </summary>
[Block("information-maximisation", Summary = "H(Y|X) − μ·H(Y) of the softmax head over the batch: hard and balanced assignments (RIM, IMSAT).")]
public sealed class InformationMaximisationLoss(InformationMaximisationLoss.Options options) : IClusteringLoss
{
    public sealed class Options : LossOptions
    {
        [Description("μ: weight of the marginal entropy H(Y) against the conditional entropy H(Y|X) (IMSAT: 4; 1 gives −I(X;Y), as in RIM).")]
        [Range(0.0, 1e3)]
        public double Mu { get; set; } = 4.0;
    }

    public double Weight => options.Weight;

    public IReadOnlyList<string> RequiredLayers { get; } = [Layers.Logits];

    public torch.Tensor Compute(StepInput step)
    {
        var (conditional, marginal) = Entropies(step.Outputs[Layers.Logits]);
        return conditional - options.Mu * marginal;
    }

    /// <summary>H(Y|X) (mean over the batch) and H(Y) (of the batch's mean softmax) of <paramref name="logits"/> [b, k].</summary>
    public static (torch.Tensor Conditional, torch.Tensor Marginal) Entropies(torch.Tensor logits)
    {
        var logP = torch.nn.functional.log_softmax(logits, 1);
        var p = logP.exp();
        var conditional = -(p * logP).sum(1).mean();
        var mean = p.mean([0]);
        // IMSAT's entropy adds 1e-8 inside the logarithm; an empty cluster then contributes 0, not NaN.
        var marginal = -(mean * (mean + 1e-8).log()).sum();
        return (conditional, marginal);
    }
}
