using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Data;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Clustering;
using Taxonomy.Blocks.Features;

namespace Taxonomy.Tests.TestSupport;

/// <summary>
/// A run without a network, for unit tests of losses and updaters: <see cref="FeaturesOfAll"/> returns a copy of
/// <see cref="Features"/>, and <see cref="Step"/> builds a step whose clustering features are given directly.
/// </summary>
public sealed class FakeRunContext : IRunContext, IDisposable
{
    public FakeRunContext(torch.Tensor features, int clusters)
    {
        Features = features;
        Clusters = clusters;
        State = new ClusterState(clusters);
        Progress = At(PhaseKind.Clustering, iteration: 0);
    }

    /// <summary>The clustering features of "all data", [n, d].</summary>
    public torch.Tensor Features { get; set; }

    public int Clusters { get; }

    /// <summary>A data set, for blocks that read the whole data (e.g. nearest-neighbour radii); none by default.</summary>
    public Dataset? DataSet { get; set; }

    /// <summary>A built branch, for blocks that run the network themselves (e.g. VAT); none by default.</summary>
    public IBranch? BranchUnderTest { get; set; }

    public Dataset Data => DataSet ?? throw new NotSupportedException("FakeRunContext has no data set.");

    public IBranch Branch => BranchUnderTest ?? throw new NotSupportedException("FakeRunContext has no branch.");

    public IFeatureSelector FeatureSelector { get; } = new EmbeddingFeatureSelector(new EmbeddingFeatureSelector.Options());

    public ClusterState State { get; }

    public RunRandom Random { get; } = new(0);

    public IKMeans KMeans { get; } = new KMeans();

    public TrainingProgress Progress { get; set; }

    public List<string> Messages { get; } = [];

    public torch.Tensor FeaturesOfAll() => Features.detach().clone();

    /// <summary>The branch under test's output over the data set, without gradients (it must have both).</summary>
    public torch.Tensor LayerOfAll(string layer)
    {
        using var noGrad = torch.no_grad();
        var outputs = Branch.Forward(Data.Features, new HashSet<string> { layer });
        return outputs[layer].detach().clone();
    }

    public void Log(string message) => Messages.Add(message);

    /// <summary>A step over the samples <paramref name="indices"/> whose clustering features are <paramref name="features"/>.</summary>
    public StepInput Step(torch.Tensor features, params long[] indices)
    {
        var outputs = new BranchOutput();
        outputs.Set(Layers.Embedding, features);
        return new StepInput(new Batch(features, torch.tensor(indices)), outputs, this);
    }

    /// <summary>Progress at an iteration of a 10-epoch phase of the given kind with 10 batches per epoch.</summary>
    public static TrainingProgress At(PhaseKind kind, long iteration) => new()
    {
        Phase = new Phase(kind == PhaseKind.Clustering ? "clustering" : "pretrain", kind, 10, "x"),
        PhaseIndex = kind == PhaseKind.Clustering ? 1 : 0,
        Epoch = (int)(iteration / 10),
        BatchesPerEpoch = 10,
        Iteration = iteration,
        GlobalIteration = iteration,
    };

    public void Dispose()
    {
        State.Dispose();
        Random.Dispose();
    }
}
