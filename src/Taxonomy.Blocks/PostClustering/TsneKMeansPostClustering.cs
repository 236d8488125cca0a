using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Results;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Clustering;
using Taxonomy.Blocks.Projection;

namespace Taxonomy.Blocks.PostClustering;

/// <summary>
/// "t-SNE ACC" of the taxonomy paper's case study: the final clustering features are mapped to 2-D by t-SNE (exact up
/// to <see cref="TsneOptions.ExactLimit"/> samples, Barnes–Hut above; PCA start, so the map does not depend on the
/// seed) and k-means clusters the map. A t-SNE map is built over the training samples together (transductive), so
/// the cluster means in feature space are kept for <see cref="Predict"/>.
/// </summary>
[Block("tsne-kmeans", Summary = "k-means on a 2-D t-SNE map of the final features (the case study's t-SNE ACC); predicts by the nearest cluster mean in feature space.")]
public sealed class TsneKMeansPostClustering(TsneKMeansPostClustering.Options options) : IPostClustering
{
    public sealed class Options : BlockOptions
    {
        [Description("t-SNE's perplexity: the effective number of neighbours each sample's affinities are calibrated to; below the number of samples.")]
        [Range(1.0, 10_000.0)]
        public double Perplexity { get; set; } = 30;

        [Description("t-SNE gradient steps, the 250 early-exaggeration steps included.")]
        [Range(250, 100_000)]
        public int Iterations { get; set; } = 1000;

        [Description("Independent k-means++ restarts on the map; the lowest inertia wins.")]
        [Range(1, 1000)]
        public int Restarts { get; set; } = 10;
    }

    public IReadOnlyCollection<StateKey> Provides => [ClusterStateKeys.Centroids];

    /// <summary>k-means on the t-SNE map; each cluster's mean feature is kept for <see cref="Predict"/>.</summary>
    public ClusteringResult Cluster(IRunContext run)
    {
        using var scope = torch.NewDisposeScope();
        var features = run.FeaturesOfAll().to(torch.float32);
        var tsneOptions = new TsneOptions { Perplexity = options.Perplexity, Iterations = options.Iterations };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var map = new Tsne(tsneOptions).Fit(features, run.Random.Torch);
        using var kmeans = run.KMeans.Fit(map.Embedding, run.Clusters, new KMeansSettings { Restarts = options.Restarts }, run.Random.Torch);
        var labels = KMeans.AssignNearest(map.Embedding, kmeans.Centroids).to(torch.int32).data<int>().ToArray();
        run.State.Set(ClusterStateKeys.Centroids, ClusterMeans.Of(features, labels, run.Clusters));
        run.Log($"tsne-kmeans: {map.Method} t-SNE of {features.shape[0]} × {features.shape[1]} features (KL {map.KlDivergence:F3}, " +
                $"{clock.Elapsed.TotalSeconds:F1} s), k-means on the map");
        return new Partition(labels, run.Clusters);
    }

    /// <summary>
    /// A new sample cannot join the training data's map without rebuilding it: it takes the cluster of its nearest
    /// cluster mean in feature space, an inductive rule that may disagree with the map's clusters near a boundary.
    /// </summary>
    public ClusteringResult Predict(IRunContext run) => NearestCentroid.Of(run, "tsne-kmeans");
}
