using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using TorchSharp;
using Taxonomy.Abstractions.Data;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Clustering;

namespace Taxonomy.Blocks.Augmentation;

/// <summary>Options of the perturbations: how large a step away from x is (a fixed ε, or IMSAT's per-sample ε).</summary>
public class PerturbationOptions : BlockOptions
{
    [Description("A fixed radius ε for every sample; absent: per-sample ε = epsilonScale × distance to the k-th nearest neighbour (IMSAT).")]
    [Range(0.0, 1e6)]
    public double? Epsilon { get; set; }

    [Description("Per-sample ε as this fraction of the distance to the k-th nearest neighbour in input space (IMSAT: 0.25).")]
    [Range(0.0, 1e3)]
    public double EpsilonScale { get; set; } = 0.25;

    [Description("k of the k-th nearest neighbour (the sample itself excluded) whose distance sets ε (IMSAT: 10).")]
    [Range(1, 10_000)]
    public int Neighbour { get; set; } = 10;
}

/// <summary>
/// The radius ε_i of each sample's perturbation. IMSAT's recipe: ε_i = 0.25 × ‖x_i − x_(10)‖, the Euclidean distance to
/// its 10th nearest neighbour in the (preprocessed) input space, computed once over the whole data set before the first
/// step and kept for the run (the data set does not change between phases).
/// </summary>
internal sealed class PerturbationRadius(PerturbationOptions options, string owner)
{
    private Dataset? _data;
    private float[]? _radii;

    /// <summary>ε of each sample of the batch, [b, 1, …] so it broadcasts over a sample's dimensions.</summary>
    public torch.Tensor For(StepInput step)
    {
        var inputs = step.Batch.Inputs;
        var shape = new long[inputs.dim()];
        Array.Fill(shape, 1L);
        shape[0] = inputs.shape[0];
        if (options.Epsilon is { } fixedRadius)
        {
            return torch.full(shape, fixedRadius, inputs.dtype);
        }
        var radii = Radii(step.Run);
        var indices = step.Batch.Indices.to(torch.int64).data<long>().ToArray();
        var batch = indices.Select(i => radii[i]).ToArray();
        return torch.tensor(batch).reshape(shape).to(inputs.dtype);
    }

    private float[] Radii(IRunContext run)
    {
        if (_radii is not null && ReferenceEquals(_data, run.Data))
        {
            return _radii;
        }
        var distances = KthNeighbourDistances(run.Data.Features, options.Neighbour);
        _radii = distances.Select(d => (float)(options.EpsilonScale * d)).ToArray();
        _data = run.Data;
        run.Log($"{owner}: ε = {options.EpsilonScale} × distance to the {Ordinal(options.Neighbour)} nearest neighbour; " +
                $"mean ε {_radii.Average():G4}, min {_radii.Min():G4}, max {_radii.Max():G4}");
        return _radii;
    }

    /// <summary>
    /// The Euclidean distance from each sample to its k-th nearest neighbour, the sample itself excluded (scikit-learn's
    /// NearestNeighbors(k + 1).kneighbors(x)[0][:, k], as IMSAT's calculate_distance.py). Rows in chunks, in float64.
    /// </summary>
    public static double[] KthNeighbourDistances(torch.Tensor features, int k)
    {
        if (k >= features.shape[0])
        {
            throw new ArgumentException($"the {Ordinal(k)} nearest neighbour needs more than {k} samples; the data set has {features.shape[0]}");
        }
        using var scope = torch.NewDisposeScope();
        var (distances, _) = NearestNeighbours.Find(features, k);
        return distances.select(1, k - 1).contiguous().data<double>().ToArray();
    }

    private static string Ordinal(int k) => k switch
    {
        1 => "1st",
        2 => "2nd",
        3 => "3rd",
        _ => $"{k}th",
    };
}

/// <summary>Unit directions per sample (L2 over all of a sample's dimensions).</summary>
internal static class Directions
{
    public static torch.Tensor Unit(torch.Tensor d)
    {
        var flat = d.reshape(d.shape[0], -1);
        var norm = flat.norm(1, keepdim: true).clamp_min(1e-12);
        return (flat / norm).reshape(d.shape);
    }

    /// <summary>KL(softmax(p) ‖ softmax(q)) summed over clusters, mean over the batch (IMSAT's distance).</summary>
    public static torch.Tensor Kl(torch.Tensor logitsP, torch.Tensor logitsQ)
    {
        var logP = torch.nn.functional.log_softmax(logitsP, 1);
        var logQ = torch.nn.functional.log_softmax(logitsQ, 1);
        return (logP.exp() * (logP - logQ)).sum(1).mean();
    }
}
