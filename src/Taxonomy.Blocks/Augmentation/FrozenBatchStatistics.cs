using TorchSharp;
using TorchSharp.Modules;

namespace Taxonomy.Blocks.Augmentation;

/// <summary>
/// Keeps the batch-norm running statistics of a network as they are while perturbed inputs go through it (IMSAT's
/// update_batch_stats=False): a probe x + ξd far from the data (ξ = 10) would otherwise drag the running mean and
/// variance, which evaluation uses, away from the data's. While it lives, every batch-norm layer has momentum 0, so in
/// training mode it normalises with the perturbed batch's own statistics and its running update keeps the old values
/// exactly (running ← 1·running + 0·batch). TorchSharp does not let us switch track_running_stats off, and restoring
/// saved values afterwards is no option: that in-place write breaks the backward pass of the clean batch.
/// </summary>
internal sealed class FrozenBatchStatistics : IDisposable
{
    private readonly List<(NormBase Norm, double? Momentum)> _frozen = [];

    public FrozenBatchStatistics(torch.nn.Module network)
    {
        foreach (var norm in network.modules().OfType<NormBase>().Where(n => n.track_running_stats))
        {
            _frozen.Add((norm, norm.momentum));
            norm.momentum = 0;
        }
    }

    public void Dispose()
    {
        foreach (var (norm, momentum) in _frozen)
        {
            norm.momentum = momentum;
        }
        _frozen.Clear();
    }
}
