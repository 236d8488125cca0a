using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Taxonomy.Abstractions.Training;

namespace Taxonomy.Blocks.Clustering;

/// <summary>The k-means algorithms a manifest can choose (one word each: manifest names are the lower-cased names).</summary>
public enum KMeansAlgorithm
{
    Lloyd,
    Minibatch,
    Sgd,
}

/// <summary>The manifest's "kmeans" section: which k-means every block of the run uses (post-clustering, initialisation, DCN's updates).</summary>
public sealed class KMeansOptions
{
    [Description("lloyd: full-batch k-means (scikit-learn's KMeans); minibatch: Sculley's mini-batch k-means with per-centre " +
                 "counts (scikit-learn's MiniBatchKMeans); sgd: online k-means, one point at a time with learning rate 1/n_j " +
                 "(Bottou & Bengio 1994). The last two read the rows in chunks.")]
    public KMeansAlgorithm Algorithm { get; set; } = KMeansAlgorithm.Lloyd;

    [Description("mini-batch: points per batch (scikit-learn's default); the seeding sample is three batches (also for sgd).")]
    [Range(1, 10_000_000)]
    public int BatchSize { get; set; } = 1024;

    [Description("mini-batch and sgd: at most this many passes over the data.")]
    [Range(1, 100_000)]
    public int MaxPasses { get; set; } = 100;

    [Description("mini-batch: stop after this many batches without improvement of the smoothed batch inertia (scikit-learn's max_no_improvement).")]
    [Range(1, 1_000_000)]
    public int MaxNoImprovement { get; set; } = 10;

    public IKMeans Create() => Algorithm switch
    {
        KMeansAlgorithm.Minibatch => new MiniBatchKMeans(BatchSize, MaxPasses, MaxNoImprovement),
        KMeansAlgorithm.Sgd => new SgdKMeans(BatchSize, MaxPasses),
        _ => new KMeans(),
    };
}
