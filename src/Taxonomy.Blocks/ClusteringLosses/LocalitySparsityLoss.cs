using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Data;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Clustering;
using Taxonomy.Blocks.Augmentation;

namespace Taxonomy.Blocks.ClusteringLosses;

/// <summary>
/// DEN's clustering-oriented constraints (Huang, Huang, Wang, Wang, ICPR 2014): a locality-preserving term
/// Σ_{j ∈ N_k(i)} H_ij ‖z_i − z_j‖², which keeps neighbours in input space together in the embedding (H the heat
/// kernel exp(−‖x_i − x_j‖² / t) over each sample's k nearest neighbours in the preprocessed input), plus a group
/// sparsity term Σ_g √n_g ‖z_g‖ over K groups of embedding units, which pushes each sample to use few groups, one per
/// cluster ideally. Both are means over the batch. The neighbours' embeddings come from a forward pass without
/// gradients (and without moving batch-norm statistics), so each sample is pulled towards its neighbours as they are.
/// </summary>
[Block("locality-sparsity", Summary = "DEN: locality preservation Σ H_ij ||z_i - z_j||² over input-space k-NN + λ group sparsity Σ_g √n_g ||z_g|| over K groups of units.")]
public sealed class LocalitySparsityLoss(LocalitySparsityLoss.Options options) : IClusteringLoss, IDisposable
{
    public sealed class Options : LossOptions
    {
        [Description("k of the input-space k-nearest-neighbour graph of the locality term.")]
        [Range(1, 1000)]
        public int Neighbours { get; set; } = 5;

        [Description("Heat-kernel width t as a multiple of the mean squared distance to the k nearest neighbours: H = exp(-d² / t).")]
        [Range(1e-6, 1e6)]
        public double HeatScale { get; set; } = 1.0;

        [Description("Weight of the locality-preserving term (0 = group sparsity alone).")]
        [Range(0.0, 1e6)]
        public double Locality { get; set; } = 1.0;

        [Description("λ, the weight of the group-sparsity term (0 = locality alone). The embedding's units are split into K contiguous groups.")]
        [Range(0.0, 1e6)]
        public double Sparsity { get; set; } = 0.1;
    }

    private Dataset? _graphData;
    private torch.Tensor? _neighbours;
    private torch.Tensor? _heat;

    public double Weight => options.Weight;

    public torch.Tensor Compute(StepInput step)
    {
        var z = step.Features;
        var total = torch.zeros([], z.dtype);
        if (options.Locality > 0)
        {
            total += Locality(step, z) * options.Locality;
        }
        if (options.Sparsity > 0)
        {
            total += GroupSparsity(z, step.Run.Clusters) * options.Sparsity;
        }
        return total;
    }

    private torch.Tensor Locality(StepInput step, torch.Tensor z)
    {
        var run = step.Run;
        var (neighbours, heat) = Graph(run);
        var rows = step.Batch.Indices.to(torch.int64);
        var batchNeighbours = neighbours.index_select(0, rows);                         // [b, k]
        var weights = heat.index_select(0, rows).to(z.dtype);                           // [b, k]
        torch.Tensor theirs;
        using (torch.no_grad())
        using (new FrozenBatchStatistics(run.Branch.Module))
        {
            var inputs = run.Data.Features.index_select(0, batchNeighbours.reshape(-1));
            theirs = run.FeatureSelector.Select(run.Branch.Forward(inputs, run.FeatureSelector.RequiredLayers.ToHashSet()));
        }
        var distances = (z.unsqueeze(1) - theirs.reshape(z.shape[0], -1, z.shape[1])).square().sum(2);   // [b, k]
        return (weights * distances).sum(1).mean();
    }

    /// <summary>Σ_g √n_g ‖z_g‖ per sample, mean over the batch; units split into groups as evenly as possible.</summary>
    internal static torch.Tensor GroupSparsity(torch.Tensor z, int groups)
    {
        var units = z.shape[1];
        if (units < groups)
        {
            throw new InvalidOperationException(
                $"locality-sparsity: the features have {units} units, fewer than the {groups} groups (one per cluster)");
        }
        var total = torch.zeros(z.shape[0], z.dtype);
        foreach (var part in z.tensor_split(groups, 1))
        {
            total += part.square().sum(1).add(1e-12).sqrt() * Math.Sqrt(part.shape[1]);
        }
        return total.mean();
    }

    public void Dispose()
    {
        _neighbours?.Dispose();
        _heat?.Dispose();
    }

    /// <summary>The k-NN graph and heat weights of the data set, built once per data set.</summary>
    private (torch.Tensor Neighbours, torch.Tensor Heat) Graph(IRunContext run)
    {
        if (_neighbours is not null && _heat is not null && ReferenceEquals(_graphData, run.Data))
        {
            return (_neighbours, _heat);
        }
        _neighbours?.Dispose();
        _heat?.Dispose();
        using var scope = torch.NewDisposeScope();
        var (distances, indices) = NearestNeighbours.Find(run.Data.Features, options.Neighbours);
        var squared = distances.square();
        var width = squared.mean().item<double>() * options.HeatScale;
        // Kept for the whole run, beyond the step's dispose scope; Dispose frees them.
        _heat = squared.div(Math.Max(width, 1e-12)).neg().exp().to(torch.float32).DetachFromDisposeScope();
        _neighbours = indices.DetachFromDisposeScope();
        _graphData = run.Data;
        run.Log($"locality-sparsity: {options.Neighbours}-NN graph of {run.Data.Count} samples, heat width t = {width:G4}");
        return (_neighbours, _heat);
    }
}
