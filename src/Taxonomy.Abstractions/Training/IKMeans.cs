using TorchSharp;

namespace Taxonomy.Abstractions.Training;

/// <summary>Settings of a k-means fit (k-means++ seeding, restarts, Lloyd iterations).</summary>
public sealed record KMeansSettings
{
    /// <summary>Independent k-means++ restarts; the one with the lowest inertia is kept.</summary>
    public int Restarts { get; init; } = 10;

    public int MaxIterations { get; init; } = 300;

    /// <summary>Stop when centroids move less than this, relative to the mean feature variance (scikit-learn's rule).</summary>
    public double Tolerance { get; init; } = 1e-4;
}

/// <summary>Result of k-means: centroids [k, d], labels, inertia (sum of squared distances).</summary>
public sealed record KMeansResult(torch.Tensor Centroids, int[] Labels, double Inertia, int Iterations) : IDisposable
{
    public void Dispose() => Centroids.Dispose();
}

/// <summary>k-means on tensors, shared by updaters and post-clustering blocks (built-in and plugins).</summary>
public interface IKMeans
{
    KMeansResult Fit(torch.Tensor points, int clusters, KMeansSettings settings, torch.Generator generator);
}
