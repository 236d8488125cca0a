namespace Taxonomy.Blocks.Projection;

/// <summary>KL(P ‖ Q) of a map and its gradient: the one thing the exact and the Barnes–Hut t-SNE do differently.</summary>
internal interface ITsneObjective
{
    /// <summary>
    /// Writes ∂KL/∂y into <paramref name="gradient"/> (both row-major [n, dims]) with P multiplied by
    /// <paramref name="exaggeration"/>; returns KL(P ‖ Q) for the unexaggerated P when <paramref name="withError"/>, else NaN.
    /// </summary>
    double Evaluate(double[] map, double[] gradient, double exaggeration, bool withError);
}
