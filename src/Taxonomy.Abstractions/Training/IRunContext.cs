using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Data;

namespace Taxonomy.Abstractions.Training;

/// <summary>
/// The running method as blocks see it: the data, the network, the cluster state and shared services.
/// Tensors returned by the *All methods are new and owned by the caller's dispose scope.
/// </summary>
public interface IRunContext
{
    int Clusters { get; }

    /// <summary>The preprocessed data set.</summary>
    Dataset Data { get; }

    IBranch Branch { get; }

    IFeatureSelector FeatureSelector { get; }

    ClusterState State { get; }

    RunRandom Random { get; }

    IKMeans KMeans { get; }

    /// <summary>Current phase, epoch and iteration.</summary>
    TrainingProgress Progress { get; }

    /// <summary>Clustering features of every sample, [n, d], in evaluation mode, without gradients.</summary>
    torch.Tensor FeaturesOfAll();

    /// <summary>One named branch output for every sample, in evaluation mode, without gradients.</summary>
    torch.Tensor LayerOfAll(string layer);

    /// <summary>Writes a line to the run's log.</summary>
    void Log(string message);
}
