using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Results;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Clustering;

namespace Taxonomy.Blocks.PostClustering;

/// <summary>
/// k-means (k-means++ seeding, restarts) on the final clustering features of every sample. The final centroids are
/// kept in the state (and a model): each sample's cluster is its nearest final centroid, for the training data as
/// for new data.
/// </summary>
[Block("kmeans", Summary = "k-means on the final clustering features (k-means++ seeding, best of n restarts).")]
public sealed class KMeansPostClustering(KMeansPostClustering.Options options) : IPostClustering
{
    public sealed class Options : BlockOptions
    {
        [Description("Independent k-means++ restarts; the lowest inertia wins.")]
        [Range(1, 1000)]
        public int Restarts { get; set; } = 10;

        [Description("Maximum Lloyd iterations per restart.")]
        [Range(1, 100_000)]
        public int MaxIterations { get; set; } = 300;

        [Description("Convergence tolerance, relative to the mean feature variance (scikit-learn's rule).")]
        [Range(0.0, 1.0)]
        public double Tolerance { get; set; } = 1e-4;
    }

    public IReadOnlyCollection<StateKey> Provides => [ClusterStateKeys.Centroids];

    public ClusteringResult Cluster(IRunContext run)
    {
        using var scope = torch.NewDisposeScope();
        var features = run.FeaturesOfAll();
        var settings = new KMeansSettings
        {
            Restarts = options.Restarts,
            MaxIterations = options.MaxIterations,
            Tolerance = options.Tolerance,
        };
        using var result = run.KMeans.Fit(features, run.Clusters, settings, run.Random.Torch);
        run.State.SetCopy(ClusterStateKeys.Centroids, result.Centroids, trainable: false);
        return Predict(run);
    }

    public ClusteringResult Predict(IRunContext run) => NearestCentroid.Of(run, "kmeans");
}
