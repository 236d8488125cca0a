using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Training;

namespace Taxonomy.Host.Training;

/// <summary>
/// Runs a branch over a whole data set in chunks whose layer outputs fit a memory budget. An MLP's layers are a
/// few kilobytes per sample, a CNN's feature maps hundreds: a fixed chunk that suits one would either make many tiny
/// calls for the first or gigabytes of feature maps for the second, so the chunk is sized from a measured probe.
/// </summary>
public static class ChunkedForward
{
    /// <summary>Largest chunk: bounds the calls' count for small networks without changing their results.</summary>
    public const int MaxRows = 4096;

    /// <summary>
    /// Bytes of layer outputs one chunk may hold. The transient maps inside a layer (a convolution's output before
    /// its pooling) are a small multiple of its output, so the chunk's peak stays within a few times this.
    /// </summary>
    public const long DefaultBudgetBytes = 64L << 20;

    private const int ProbeRows = 32;

    /// <summary>
    /// Rows per chunk: the budget over the bytes per sample of the tensors a forward pass of <see cref="ProbeRows"/>
    /// samples leaves alive (views counted as copies, so the estimate errs on the safe side),
    /// between 1 and <see cref="MaxRows"/>. The module must be in evaluation mode, so that the probe leaves batch-norm
    /// statistics alone.
    /// </summary>
    internal static int RowsPerChunk(IBranch branch, torch.Tensor features, IReadOnlySet<string> layers, long budgetBytes)
    {
        var probeRows = (int)Math.Min(ProbeRows, features.shape[0]);
        if (probeRows == 0)
        {
            return MaxRows;
        }
        long bytes;
        using (torch.no_grad())
        using (var probe = torch.NewDisposeScope())
        {
            branch.Forward(features.narrow(0, 0, probeRows), layers);
            bytes = probe.DisposablesView.OfType<torch.Tensor>().Where(t => !t.IsInvalid).Sum(t => t.NumberOfElements * t.ElementSize);
        }
        var perRow = Math.Max(1, bytes / probeRows);
        return (int)Math.Clamp(budgetBytes / perRow, 1, MaxRows);
    }

    /// <summary>
    /// <paramref name="pick"/> of the branch's outputs over every row of <paramref name="features"/>, concatenated, in
    /// evaluation mode and without gradients; each chunk's intermediates are disposed before the next chunk runs.
    /// </summary>
    public static torch.Tensor OverAll(
        IBranch branch, torch.Tensor features, IEnumerable<string> layers, Func<BranchOutput, torch.Tensor> pick,
        long budgetBytes = DefaultBudgetBytes)
    {
        var required = layers.ToHashSet();
        var module = branch.Module;
        var wasTraining = module.training;
        module.eval();
        try
        {
            using var noGrad = torch.no_grad();
            var count = features.shape[0];
            var rows = RowsPerChunk(branch, features, required, budgetBytes);
            var parts = new List<torch.Tensor>();
            try
            {
                for (long start = 0; start < count; start += rows)
                {
                    using var chunk = torch.NewDisposeScope();
                    var inputs = features.narrow(0, start, Math.Min(rows, count - start));
                    parts.Add(pick(branch.Forward(inputs, required)).detach().MoveToOuterDisposeScope());
                }
                if (parts.Count == 1)
                {
                    return parts[0];
                }
                var all = torch.cat(parts, 0);
                parts.ForEach(part => part.Dispose());
                return all;
            }
            catch
            {
                parts.ForEach(part => part.Dispose());
                throw;
            }
        }
        finally
        {
            module.train(wasTraining);
        }
    }
}
