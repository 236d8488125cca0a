using Taxonomy.Blocks.Clustering;
using TorchSharp;

namespace Taxonomy.Blocks.Projection;

/// <summary>
/// The exact t-SNE objective over all pairs (van der Maaten & Hinton 2008, eq. 5):
/// ∂C/∂y_i = 4 Σ_j (p_ij − q_ij)(1 + ‖y_i − y_j‖²)⁻¹ (y_i − y_j), with q_ij = w_ij / Z, w_ij = (1 + ‖y_i − y_j‖²)⁻¹.
/// Written as 4 (Σ_j p_ij w_ij (y_i − y_j) − Σ_j w_ij² (y_i − y_j) / Z), so one pass over row blocks gives both sums and
/// Z, and no n × n temporary beyond a block lives at once (P itself is the one n × n tensor, float64).
/// </summary>
internal sealed class ExactTsneObjective : ITsneObjective, IDisposable
{
    private const long BlockRows = 512;

    private readonly torch.Tensor _p;            // [n, n] joint P, symmetric, zero diagonal, sums to 1
    private readonly double _pLogP;              // Σ p log p, the constant part of the KL
    private readonly long _n;
    private readonly int _dims;

    /// <summary>The objective of a given joint P ([n, n], float64, symmetric, zero diagonal, summing to 1); takes ownership.</summary>
    internal ExactTsneObjective(torch.Tensor p, int dims)
    {
        _p = p;
        _n = p.shape[0];
        _dims = dims;
        using var scope = torch.NewDisposeScope();
        _pLogP = p.xlogy(p).sum().item<double>();
    }

    /// <summary>P_ij = (p(j|i) + p(i|j)) / 2n with every p(·|i) calibrated over all other points.</summary>
    public static ExactTsneObjective Create(torch.Tensor x, double perplexity, int dims)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var rows = x.reshape(x.shape[0], -1).to(torch.float64);
        var n = rows.shape[0];
        var squaredNorms = rows.square().sum(1);
        var conditional = new List<torch.Tensor>();
        for (long start = 0; start < n; start += BlockRows)
        {
            using var blockScope = torch.NewDisposeScope();
            var length = Math.Min(BlockRows, n - start);
            var d2 = PairwiseSquaredDistances.RowsAgainstAll(rows, squaredNorms, start, length).clamp_min_(0);
            d2.diagonal(offset: start).fill_(double.PositiveInfinity);
            conditional.Add(PerplexityCalibration.Conditional(d2, perplexity).MoveToOuterDisposeScope());
        }
        var c = torch.cat(conditional, 0);
        var p = c.add(c.t());
        p.div_(p.sum());
        return new ExactTsneObjective(p.MoveToOuterDisposeScope(), dims);
    }

    /// <summary>The joint P ([n, n], float64); a view the objective owns.</summary>
    internal torch.Tensor P => _p;

    public double Evaluate(double[] map, double[] gradient, double exaggeration, bool withError)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var y = torch.tensor(map, [_n, _dims], torch.float64);
        var squaredNorms = y.square().sum(1);
        var attractive = new List<torch.Tensor>();
        var repulsive = new List<torch.Tensor>();
        double z = 0, pLogW = 0;
        for (long start = 0; start < _n; start += BlockRows)
        {
            using var blockScope = torch.NewDisposeScope();
            var length = Math.Min(BlockRows, _n - start);
            var yi = y.narrow(0, start, length);
            // In float64 the rounding of ‖a‖² + ‖b‖² − 2ab (1e-16 of the squared norms) is far below the distances that
            // matter, since w = 1 / (1 + d²) hardly moves for d² ≪ 1.
            var w = PairwiseSquaredDistances.RowsAgainstAll(y, squaredNorms, start, length).clamp_min_(0).add_(1).reciprocal_();
            w.diagonal(offset: start).zero_();
            var pw = _p.narrow(0, start, length) * w;
            attractive.Add(WeightedDifferences(pw, yi, y).MoveToOuterDisposeScope());
            repulsive.Add(WeightedDifferences(w.square(), yi, y).MoveToOuterDisposeScope());
            z += w.sum().item<double>();
            if (withError)
            {
                pLogW += _p.narrow(0, start, length).xlogy(w).sum().item<double>();
            }
        }
        var grad = torch.cat(attractive, 0).mul_(4 * exaggeration).sub_(torch.cat(repulsive, 0).mul_(4 / z));
        grad.data<double>().CopyTo(gradient);
        // KL = Σ p log p − Σ p log q, log q = log w − log Z, Σ p = 1.
        return withError ? _pLogP - pLogW + Math.Log(z) : double.NaN;
    }

    /// <summary>Σ_j a_ij (y_i − y_j) for the rows of a block: y_i Σ_j a_ij − a y.</summary>
    private static torch.Tensor WeightedDifferences(torch.Tensor a, torch.Tensor yi, torch.Tensor y) =>
        yi * a.sum(1, keepdim: true) - a.matmul(y);

    public void Dispose() => _p.Dispose();
}
