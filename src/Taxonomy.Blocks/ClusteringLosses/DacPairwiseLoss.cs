using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Augmentation;
using Taxonomy.Blocks.ClusterUpdates;

namespace Taxonomy.Blocks.ClusteringLosses;

/// <summary>
/// DAC's pairwise loss (Chang et al., ICCV 2017, Eq. 6–9): the clustering features f_i of the batch (the softmax head,
/// "label features") are L2-normalised, so their dot products are cosine similarities s_ij in [0, 1]. Pairs with
/// s_ij above the upper threshold u are labelled similar (r = 1), pairs below the lower threshold l dissimilar (r = 0),
/// the rest are ignored; the loss is the binary cross-entropy −[r ln s + (1 − r) ln(1 − s)] averaged over the selected
/// pairs i ≠ j (each unordered pair counted twice, as both (i, j) and (j, i)). The thresholds come from the cluster
/// state, moved by the 'dac-thresholds' updater. Without any selected pair the loss is 0.
/// With a "transform", as in DAC's released code, the pairs are labelled from the clean images' features and the
/// trained similarities are those of randomly transformed images T(x): the network learns to give T(x) the
/// partition it gives x. The T(x) pass leaves the batch-norm running statistics to the clean pass.
/// </summary>
[Block("dac-pairwise", Summary = "BCE on pairs whose cosine similarity is above the upper (similar) or below the lower (dissimilar) threshold (DAC); with a transform, pairs labelled on x and trained on T(x).")]
public sealed class DacPairwiseLoss(DacPairwiseLoss.Options options) : IClusteringLoss
{
    public sealed class Options : TransformableLossOptions;

    /// <summary>Similarities are clamped to [δ, 1 − δ] inside the logarithms.</summary>
    private const double Clamp = 1e-7;

    private readonly ImageTransform? _transform = options.CreateTransform();

    public double Weight => options.Weight;

    public IReadOnlyCollection<StateKey> Requires => [DacThresholdsUpdater.Thresholds];

    public torch.Tensor Compute(StepInput step)
    {
        var (upper, lower) = step.Run.State.Require(DacThresholdsUpdater.Thresholds, "dac-pairwise");
        var similarity = CosineSimilarities(step.Features);
        torch.Tensor similar, dissimilar;
        long count;
        using (torch.no_grad())
        {
            var offDiagonal = torch.eye(similarity.shape[0], dtype: torch.@bool).logical_not();
            similar = similarity.gt(upper).logical_and(offDiagonal);
            dissimilar = similarity.lt(lower).logical_and(offDiagonal);
            count = similar.logical_or(dissimilar).sum().item<long>();
        }
        if (_transform is not null)
        {
            similarity = CosineSimilarities(_transform.Features(step));
        }
        if (count == 0)
        {
            return similarity.sum() * 0;
        }
        var s = similarity.clamp(Clamp, 1 - Clamp);
        var bce = -(similar.to(s.dtype) * s.log() + dissimilar.to(s.dtype) * (1 - s).log());
        return bce.sum() / count;
    }

    private static torch.Tensor CosineSimilarities(torch.Tensor features)
    {
        var f = torch.nn.functional.normalize(features, p: 2, dim: 1);
        return f.matmul(f.t());
    }
}
