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
    /// <summary>Rows per forward pass when embedding the whole data set: bounded memory, few calls.</summary>
    private const int EvaluationBatch = 4096;

    public int Clusters => clusters;
    public Dataset Data => data;
    public IBranch Branch => branch;
    public IFeatureSelector FeatureSelector => featureSelector;
    public ClusterState State { get; } = new(clusters);
    public RunRandom Random => random;
    public IKMeans KMeans => kmeans;
    public TrainingProgress Progress { get; internal set; } = null!;

    public torch.Tensor FeaturesOfAll() =>
        OverAll(featureSelector.RequiredLayers, featureSelector.Select);

    public torch.Tensor LayerOfAll(string layer) =>
        OverAll([layer], outputs => outputs[layer].reshape(outputs[layer].shape[0], -1));

    public void Log(string message)
    {
        log.WriteLine(message);
        log.Flush();
    }

    /// <summary>Runs the branch in evaluation mode over every sample and concatenates one output, without gradients.</summary>
    private torch.Tensor OverAll(IEnumerable<string> layers, Func<BranchOutput, torch.Tensor> pick)
    {
        var required = layers.ToHashSet();
        var module = branch.Module;
        var wasTraining = module.training;
        module.eval();
        try
        {
            using var noGrad = torch.no_grad();
            var parts = new List<torch.Tensor>();
            using (var scope = torch.NewDisposeScope())
            {
                for (long start = 0; start < data.Count; start += EvaluationBatch)
                {
                    var inputs = data.Features.narrow(0, start, Math.Min(EvaluationBatch, data.Count - start));
                    parts.Add(pick(branch.Forward(inputs, required)).detach().MoveToOuterDisposeScope());
                }
            }
            var all = torch.cat(parts, 0);
            foreach (var part in parts)
            {
                part.Dispose();
            }
            return all;
        }
        finally
        {
            module.train(wasTraining);
        }
    }

    public void Dispose() => State.Dispose();
}
