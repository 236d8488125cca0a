using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Data;
using Taxonomy.Abstractions.Training;

namespace Taxonomy.Host.Training;

/// <summary>
/// The run as blocks see it (<see cref="IRunContext"/>); the trainer moves <see cref="Progress"/> along. The cluster
/// state is the caller's (a trained model keeps it): the context does not dispose it.
/// </summary>
public sealed class RunContext(
    Dataset data,
    IBranch branch,
    IFeatureSelector featureSelector,
    RunRandom random,
    IKMeans kmeans,
    ClusterState state,
    TextWriter log) : IRunContext
{
    public int Clusters => state.Clusters;
    public Dataset Data => data;
    public IBranch Branch => branch;
    public IFeatureSelector FeatureSelector => featureSelector;
    public ClusterState State => state;
    public RunRandom Random => random;
    public IKMeans KMeans => kmeans;
    public TrainingProgress Progress { get; internal set; } = null!;

    public torch.Tensor FeaturesOfAll() =>
        ChunkedForward.OverAll(branch, data.Features, featureSelector.RequiredLayers, featureSelector.Select);

    public torch.Tensor LayerOfAll(string layer) =>
        ChunkedForward.OverAll(branch, data.Features, [layer], outputs => outputs[layer].reshape(outputs[layer].shape[0], -1));

    public void Log(string message)
    {
        log.WriteLine(message);
        log.Flush();
    }
}
