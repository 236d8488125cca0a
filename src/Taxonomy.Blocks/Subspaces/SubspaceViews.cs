using TorchSharp;
using static TorchSharp.torch;

namespace Taxonomy.Blocks.Subspaces;

/// <summary>
/// The geometry ENRC and ACeDeC share (Miklautz et al. 2020, Sec. 3): the embedding z is rotated by an orthogonal V
/// (z V), and soft feature weights β [views, d] (a softmax over the views for every rotated dimension) say how much
/// each rotated dimension belongs to each view. View i's distance of a sample to its centroid μ (in rotated
/// coordinates) is Σ_d β_id (zV − μ)_d². The centroids of all views are rows of one [Σ k_i, d] tensor, view after view.
/// </summary>
public static class SubspaceViews
{
    /// <summary>
    /// The β logits are stored divided by this and multiplied back here: under Adam a parameter moves by about the
    /// learning rate per step, so this gives β ClustPy's ten-times learning rate with one optimiser setting.
    /// </summary>
    public const double BetaLogitScale = 10.0;

    /// <summary>β = softmax over the views of the stored logits [views, d]; every column sums to 1.</summary>
    public static Tensor Betas(Tensor storedLogits) => storedLogits.mul(BetaLogitScale).softmax(0);

    /// <summary>β-weighted squared distances [n, k_view] of the rotated samples to one view's centroids.</summary>
    public static Tensor Distances(Tensor rotated, Tensor viewCentroids, Tensor viewBeta) =>
        rotated.unsqueeze(1).sub(viewCentroids.unsqueeze(0)).square().mul(viewBeta).sum(2);

    /// <summary>The rows of view <paramref name="view"/> in the stacked centroids: (first row, count).</summary>
    public static (int Start, int Count) Rows(int[] clusters, int view) => (clusters.Take(view).Sum(), clusters[view]);

    /// <summary>Each view's nearest centroid for the rotated samples, one int64 tensor [n] per view (no gradients).</summary>
    public static Tensor[] Assign(Tensor rotated, Tensor centroids, Tensor betas, int[] clusters)
    {
        var labels = new Tensor[clusters.Length];
        for (var v = 0; v < clusters.Length; v++)
        {
            var (start, count) = Rows(clusters, v);
            labels[v] = Distances(rotated.detach(), centroids.narrow(0, start, count).detach(), betas[v].detach()).argmin(1);
        }
        return labels;
    }

    /// <summary>‖VᵀV − I‖ (Frobenius): how far V is from orthogonal.</summary>
    public static double OrthogonalityError(Tensor v)
    {
        using var scope = NewDisposeScope();
        return v.detach().t().mm(v.detach()).sub(eye(v.shape[0], dtype: v.dtype)).square().sum().sqrt().item<float>();
    }

    /// <summary>The orthogonal matrix nearest to <paramref name="v"/> (polar factor U Wᵀ of its SVD).</summary>
    public static Tensor NearestOrthogonal(Tensor v)
    {
        var (u, _, wt) = linalg.svd(v.detach(), fullMatrices: false);
        return u.mm(wt);
    }

    /// <summary>
    /// β logits (to be stored, see <see cref="BetaLogitScale"/>) that give weight <paramref name="high"/> to each view's
    /// own dimensions and share the rest evenly among the other views (ClustPy's beta_weights_init).
    /// </summary>
    public static Tensor InitialLogits(int[][] dimensionsOfView, int dimensions, double high)
    {
        var views = dimensionsOfView.Length;
        var low = Math.Log((1 - high) / (high * Math.Max(1, views - 1)));   // log of the low weight relative to e^0 = 1
        var logits = new float[views * dimensions];
        for (var v = 0; v < views; v++)
        {
            for (var d = 0; d < dimensions; d++)
            {
                logits[v * dimensions + d] = (float)((dimensionsOfView[v].Contains(d) ? 0 : low) / BetaLogitScale);
            }
        }
        return tensor(logits, [views, dimensions]);
    }
}
