using TorchSharp;

namespace Taxonomy.Blocks.Projection;

/// <summary>
/// Principal component analysis by the eigendecomposition of the centred data's covariance (float64, d × d: the cost is
/// O(n d²), with no n × d copy beyond the centred rows). Signs follow scikit-learn's svd_flip: in each component, the
/// sample with the largest absolute score scores positive, so the same data give the same axes everywhere.
/// </summary>
public static class Pca
{
    /// <summary>The first <paramref name="components"/> principal axes of the rows of <paramref name="x"/> ([n, ...], flattened).</summary>
    public static PcaModel Fit(torch.Tensor x, int components = 2)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var rows = x.reshape(x.shape[0], -1).to(torch.float64);
        var (n, d) = (rows.shape[0], rows.shape[1]);
        if (components < 1 || components > d || n < 2)
        {
            throw new ArgumentException($"PCA to {components} components needs 1 ≤ components ≤ {d} (the features) and at least 2 rows; got {n} rows");
        }
        var mean = rows.mean([0]);
        var centred = rows - mean;
        var covariance = centred.t().matmul(centred).div_(n - 1);
        // eigh sorts ascending: the last columns are the leading axes.
        var (values, vectors) = torch.linalg.eigh(covariance);
        var order = torch.arange(d - 1, d - 1 - components, -1, dtype: torch.int64);
        var axes = vectors.index_select(1, order).t().contiguous();               // [components, d]
        var variance = values.index_select(0, order).clamp_min(0);
        var scores = centred.matmul(axes.t());                                     // [n, components]
        var largest = scores.abs().argmax(0);                                      // the sample deciding each sign
        var signs = scores.gather(0, largest.unsqueeze(0)).sign().squeeze(0);
        signs = torch.where(signs == 0, torch.ones_like(signs), signs);
        axes = axes.mul_(signs.unsqueeze(1));
        return new PcaModel(axes.MoveToOuterDisposeScope(), mean.MoveToOuterDisposeScope(), variance.MoveToOuterDisposeScope());
    }

    /// <summary>The rows of <paramref name="x"/> on their first <paramref name="components"/> principal axes ([n, components], float32).</summary>
    public static torch.Tensor Project(torch.Tensor x, int components = 2)
    {
        using var model = Fit(x, components);
        return model.Transform(x);
    }
}

/// <summary>Fitted principal axes: <see cref="Components"/> [k, d] (unit rows), <see cref="Mean"/> [d], <see cref="ExplainedVariance"/> [k] (float64).</summary>
public sealed class PcaModel(torch.Tensor components, torch.Tensor mean, torch.Tensor explainedVariance) : IDisposable
{
    public torch.Tensor Components { get; } = components;

    public torch.Tensor Mean { get; } = mean;

    /// <summary>Each component's variance (the covariance's eigenvalue, divided by n − 1 as scikit-learn's explained_variance_).</summary>
    public torch.Tensor ExplainedVariance { get; } = explainedVariance;

    /// <summary>Scores of the rows of <paramref name="x"/> ([n, ...], flattened) on the axes: [n, k], float32.</summary>
    public torch.Tensor Transform(torch.Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var rows = x.reshape(x.shape[0], -1).to(torch.float64);
        return (rows - Mean).matmul(Components.t()).to(torch.float32).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        Components.Dispose();
        Mean.Dispose();
        ExplainedVariance.Dispose();
    }
}
