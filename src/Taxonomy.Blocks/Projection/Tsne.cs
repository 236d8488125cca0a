using TorchSharp;

namespace Taxonomy.Blocks.Projection;

/// <summary>
/// t-distributed stochastic neighbour embedding (van der Maaten & Hinton 2008): a map whose Student-t similarities Q
/// match the perplexity-calibrated Gaussian similarities P of the rows, by gradient descent on KL(P ‖ Q) with momentum
/// and per-coordinate gains. Exact for small n; Barnes–Hut (van der Maaten 2014) for large n. The schedule is
/// scikit-learn 1.2's (see <see cref="TsneOptions"/>), including its reset of the momentum and the gains when the
/// exaggeration ends; unlike scikit-learn it always runs every step (no early stop on the gradient norm).
/// </summary>
public sealed class Tsne(TsneOptions options)
{
    public TsneOptions Options { get; } = options;

    /// <summary>
    /// The map of the rows of <paramref name="x"/> ([n, ...], flattened). <paramref name="generator"/> draws the random
    /// start (<see cref="TsneInit.Random"/>); the PCA start and every step are deterministic.
    /// </summary>
    public TsneResult Fit(torch.Tensor x, torch.Generator generator)
    {
        var n = x.shape[0];
        Options.Validate(n);
        var method = Options.MethodFor(n);
        var dims = Options.Components;
        var map = Start(x, generator);
        var objective = Objective(x, method);
        try
        {
            var gradient = new double[map.Length];
            var learningRate = Options.LearningRateFor(n);
            Descend(objective, map, gradient, 0, Options.ExaggerationIterations, Options.InitialMomentum, Options.EarlyExaggeration, learningRate);
            Descend(objective, map, gradient, Options.ExaggerationIterations, Options.Iterations, Options.FinalMomentum, 1, learningRate);
            var kl = objective.Evaluate(map, gradient, 1, withError: true);
            return new TsneResult(torch.tensor(Array.ConvertAll(map, v => (float)v), [n, dims]), kl, method);
        }
        finally
        {
            (objective as IDisposable)?.Dispose();
        }
    }

    /// <summary>Steps [from, to) with one momentum and exaggeration; momentum and gains start afresh, as in scikit-learn.</summary>
    private void Descend(ITsneObjective objective, double[] map, double[] gradient, int from, int to, double momentum, double exaggeration, double learningRate)
    {
        var update = new double[map.Length];
        var gains = new double[map.Length];
        Array.Fill(gains, 1.0);
        for (var step = from; step < to; step++)
        {
            objective.Evaluate(map, gradient, exaggeration, withError: false);
            for (var c = 0; c < map.Length; c++)
            {
                // Delta-bar-delta (Jacobs 1988): grow a gain while the gradient keeps opposing the last update's sign.
                gains[c] = update[c] * gradient[c] < 0 ? gains[c] + 0.2 : Math.Max(gains[c] * 0.8, Options.MinGain);
                update[c] = momentum * update[c] - learningRate * gains[c] * gradient[c];
                map[c] += update[c];
            }
        }
    }

    private ITsneObjective Objective(torch.Tensor x, TsneMethod method) => method == TsneMethod.Exact
        ? ExactTsneObjective.Create(x, Options.Perplexity, Options.Components)
        : new BarnesHutTsneObjective(SparseAffinities.Create(x, Options.Perplexity), Options.Theta);

    /// <summary>The starting map, row-major [n, dims], at the scale 1e-4 where the early steps see P almost alone.</summary>
    private double[] Start(torch.Tensor x, torch.Generator generator)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var n = x.shape[0];
        var start = Options.Init == TsneInit.Pca
            ? Pca.Project(x, Options.Components).to(torch.float64)
            : torch.randn([n, Options.Components], dtype: torch.float64, generator: generator);
        var scale = Options.Init == TsneInit.Pca ? start.select(1, 0).std(unbiased: false).item<double>() : 1.0;
        return start.mul_(1e-4 / scale).data<double>().ToArray();
    }
}

/// <summary>A t-SNE map ([n, dims], float32), its final KL(P ‖ Q) and the gradient that made it.</summary>
public sealed class TsneResult(torch.Tensor embedding, double klDivergence, TsneMethod method) : IDisposable
{
    public torch.Tensor Embedding { get; } = embedding;

    /// <summary>
    /// KL(P ‖ Q) of the final map. Exact: over all pairs. Barnes–Hut: over the neighbour pairs of the sparse P, with Z
    /// from the tree (scikit-learn's kl_divergence_ for method="barnes_hut" is the same sum).
    /// </summary>
    public double KlDivergence { get; } = klDivergence;

    public TsneMethod Method { get; } = method;

    public void Dispose() => Embedding.Dispose();
}
