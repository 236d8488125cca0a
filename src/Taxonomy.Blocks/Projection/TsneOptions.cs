namespace Taxonomy.Blocks.Projection;

/// <summary>How the t-SNE gradient is computed.</summary>
public enum TsneMethod
{
    /// <summary>Exact up to <see cref="TsneOptions.ExactLimit"/> points, Barnes–Hut above (2-D maps only).</summary>
    Auto,

    /// <summary>All pairs: P over every other point, the O(n²) gradient (chunked rows).</summary>
    Exact,

    /// <summary>P over the 3·perplexity nearest neighbours, repulsion by a Barnes–Hut quadtree: O(n log n) per step, 2-D maps.</summary>
    BarnesHut,
}

/// <summary>Where the map starts.</summary>
public enum TsneInit
{
    /// <summary>The first principal components, scaled so that the first has standard deviation 1e-4 (scikit-learn's init="pca").</summary>
    Pca,

    /// <summary>N(0, 1e-4²) draws from the generator passed to <see cref="Tsne.Fit"/>.</summary>
    Random,
}

/// <summary>
/// t-SNE's settings; the defaults are van der Maaten's schedule as scikit-learn 1.2 runs it: perplexity 30, early
/// exaggeration 12 for 250 steps at momentum 0.5, then momentum 0.8 up to 1,000 steps, learning rate "auto".
/// </summary>
public sealed record TsneOptions
{
    /// <summary>
    /// Points up to which <see cref="TsneMethod.Auto"/> takes the exact gradient: its 1,000 steps cost O(n²) each, about
    /// ten times Barnes–Hut's time on the 1,797 digits, whose Barnes–Hut map is as trustworthy (docs/results.md).
    /// </summary>
    public const int ExactLimit = 1_000;

    /// <summary>Dimensions of the map.</summary>
    public int Components { get; init; } = 2;

    /// <summary>The effective number of neighbours each point's conditional P is calibrated to (2^entropy).</summary>
    public double Perplexity { get; init; } = 30;

    /// <summary>Factor on P during the first <see cref="ExaggerationIterations"/> steps, so that clusters form before they spread.</summary>
    public double EarlyExaggeration { get; init; } = 12;

    /// <summary>Steps with exaggerated P and <see cref="InitialMomentum"/>.</summary>
    public int ExaggerationIterations { get; init; } = 250;

    /// <summary>All steps, the exaggerated ones included.</summary>
    public int Iterations { get; init; } = 1000;

    /// <summary>Step size; null is scikit-learn 1.2's "auto": max(n / early exaggeration / 4, 50).</summary>
    public double? LearningRate { get; init; }

    public double InitialMomentum { get; init; } = 0.5;

    public double FinalMomentum { get; init; } = 0.8;

    /// <summary>Floor of the per-coordinate gains (delta-bar-delta: +0.2 when the step keeps its sign, ×0.8 when it flips).</summary>
    public double MinGain { get; init; } = 0.01;

    public TsneMethod Method { get; init; } = TsneMethod.Auto;

    /// <summary>Barnes–Hut: a cell of width w at distance r from a point is summarised when w / r &lt; theta.</summary>
    public double Theta { get; init; } = 0.5;

    public TsneInit Init { get; init; } = TsneInit.Pca;

    /// <summary>The step size for <paramref name="points"/> points.</summary>
    public double LearningRateFor(long points) => LearningRate ?? Math.Max(points / EarlyExaggeration / 4, 50);

    /// <summary>The gradient <see cref="TsneMethod.Auto"/> resolves to for <paramref name="points"/> points.</summary>
    public TsneMethod MethodFor(long points) =>
        Method != TsneMethod.Auto ? Method : points <= ExactLimit || Components != 2 ? TsneMethod.Exact : TsneMethod.BarnesHut;

    internal void Validate(long points)
    {
        Require(Components >= 1, $"components must be at least 1; got {Components}");
        Require(Perplexity > 0 && Perplexity < points, $"perplexity must lie in (0, {points}) for {points} points; got {Perplexity}");
        Require(EarlyExaggeration >= 1, $"early exaggeration must be at least 1; got {EarlyExaggeration}");
        Require(Iterations >= 1 && ExaggerationIterations >= 0 && ExaggerationIterations <= Iterations,
            $"need 0 ≤ exaggeration iterations ≤ iterations and iterations ≥ 1; got {ExaggerationIterations} and {Iterations}");
        Require(LearningRate is null or > 0, $"learning rate must be positive; got {LearningRate}");
        Require(MinGain > 0 && Theta >= 0, $"min gain must be positive and theta non-negative; got {MinGain} and {Theta}");
        Require(MethodFor(points) != TsneMethod.BarnesHut || Components == 2, $"Barnes–Hut maps to 2 dimensions; got {Components}");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException("t-SNE: " + message);
        }
    }
}
