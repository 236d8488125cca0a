using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using TorchSharp;
using static TorchSharp.torch;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Results;
using Taxonomy.Abstractions.Training;

namespace Taxonomy.Plugins.Gmm;

/// <summary>
/// Gaussian-mixture post-clustering: EM on the final clustering features, each restart initialised by one k-means++ run
/// of the shared <see cref="IKMeans"/>; the restart with the highest log-likelihood wins, and each sample goes to its most
/// responsible component. Unlike k-means, clusters may differ in size, spread and (with full covariance) orientation.
/// </summary>
[Block("gmm", Summary = "Gaussian mixture (EM, full or diagonal covariance, k-means initialisation) on the final clustering features.")]
public sealed class GmmPostClustering(GmmPostClustering.Options options) : IPostClustering
{
    public sealed class Options : BlockOptions
    {
        [Description("full (one covariance matrix per cluster) or diag (per-cluster variances; features independent within a cluster).")]
        public CovarianceType Covariance { get; set; } = CovarianceType.Full;

        [Description("Independent EM fits, each from its own k-means++ initialisation; the highest log-likelihood wins.")]
        [Range(1, 1000)]
        public int Restarts { get; set; } = 3;

        [Description("Maximum EM iterations per restart.")]
        [Range(1, 100_000)]
        public int MaxIterations { get; set; } = 100;

        [Description("Stop when the mean log-likelihood per sample changes by less than this.")]
        [Range(0.0, 1.0)]
        public double Tolerance { get; set; } = 1e-3;

        [Description("Added to the diagonal of every covariance so that it stays positive definite.")]
        [Range(0.0, 1e6)]
        public double Reg { get; set; } = 1e-6;
    }

    // The fitted mixture, in float64, kept in the cluster state so a saved model assigns new data by the same E-step.
    public static StateKey<Tensor> Weights { get; } = new("gmm-weights", StateSerializers.Tensor);
    public static StateKey<Tensor> Means { get; } = new("gmm-means", StateSerializers.Tensor);
    public static StateKey<Tensor> Covariances { get; } = new("gmm-covariances", StateSerializers.Tensor);

    public IReadOnlyCollection<StateKey> Provides => [Weights, Means, Covariances, ClusterStateKeys.Centroids];

    public ClusteringResult Cluster(IRunContext run)
    {
        using var scope = torch.NewDisposeScope();
        var features = run.FeaturesOfAll();
        var settings = new GaussianMixtureSettings
        {
            Covariance = options.Covariance,
            MaxIterations = options.MaxIterations,
            Tolerance = options.Tolerance,
            Regularization = options.Reg,
        };
        GaussianMixtureModel? best = null;
        for (var restart = 1; restart <= options.Restarts; restart++)
        {
            int[] initial;
            using (var kmeans = run.KMeans.Fit(features, run.Clusters, new KMeansSettings { Restarts = 1 }, run.Random.Torch))
            {
                initial = kmeans.Labels;
            }
            var model = GaussianMixture.Fit(features, initial, run.Clusters, settings);
            run.Log($"  gmm restart {restart}/{options.Restarts}: log-likelihood {model.LogLikelihood:F4} per sample after " +
                    $"{model.Iterations} EM iterations{(model.Converged ? "" : " (not converged)")}");
            if (best is null || model.LogLikelihood > best.LogLikelihood)
            {
                best = model;
            }
        }
        run.State.SetCopy(Weights, best!.Weights, trainable: false);
        run.State.SetCopy(Means, best.Means, trainable: false);
        run.State.SetCopy(Covariances, best.Covariances, trainable: false);
        run.State.SetCopy(ClusterStateKeys.Centroids, best.Means.to_type(features.dtype), trainable: false);
        return Predict(run);
    }

    /// <summary>Each sample's most responsible component of the fitted mixture, with the responsibilities.</summary>
    public ClusteringResult Predict(IRunContext run)
    {
        using var scope = torch.NewDisposeScope();
        var state = run.State;
        var log = GaussianMixture.LogResponsibilities(run.FeaturesOfAll(), state.Require(Weights, "gmm"), state.Require(Means, "gmm"),
            state.Require(Covariances, "gmm"), options.Covariance);
        return new Partition(log.argmax(1).to_type(ScalarType.Int32).data<int>().ToArray(), (int)log.shape[1],
            log.exp().to_type(ScalarType.Float32).contiguous().data<float>().ToArray());
    }
}
