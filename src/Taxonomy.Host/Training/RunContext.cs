using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Data;
using Taxonomy.Abstractions.Training;

namespace Taxonomy.Host.Training;

/// <summary>The run as blocks see it (<see cref="IRunContext"/>); the trainer moves <see cref="Progress"/> along.</summary>
public sealed class RunContext(
    Dataset data,
    IBranch branch,
    IFeatureSelector featureSelector,
    RunRandom random,
    IKMeans kmeans,
    int clusters,
    TextWriter log) : IRunContext, IDisposable
{
    public int Clusters => clusters;
    public Dataset Data => data;
    public IBranch Branch => branch;
    public IFeatureSelector FeatureSelector => featureSelector;
    public ClusterState State { get; } = new(clusters);
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

    public void Dispose() => State.Dispose();
}
