using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Results;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.ClusterUpdates;
using Taxonomy.Host.Registry;

namespace Taxonomy.Tests.TestSupport;

/// <summary>Blocks that exist only to provoke the host's error paths, registered the way a plugin would.</summary>
public static class TestBlocks
{
    public static void Register(BlockRegistry registry) =>
        registry.Add<EncoderOnlyBranch, BlockOptions>()
                .Add<NanLoss, LossOptions>()
                .Add<PoisonPreprocessor, BlockOptions>()
                .Add<NeedsCentroidsLoss, LossOptions>()
                .Add<RecordingKMeansInit, BlockOptions>()
                .Add<OneClusterPostClustering, BlockOptions>()
                .Add<OutOfRangePostClustering, BlockOptions>();

    /// <summary>Puts every sample into cluster 0: a collapsed clustering.</summary>
    [Block("one-cluster", Summary = "test: every sample in cluster 0")]
    public sealed class OneClusterPostClustering : IPostClustering
    {
        public ClusteringResult Cluster(IRunContext run) => new Partition(new int[run.Data.Count], run.Clusters);
    }

    /// <summary>Returns a cluster id of k, one past the last.</summary>
    [Block("out-of-range", Summary = "test: a cluster id of k")]
    public sealed class OutOfRangePostClustering : IPostClustering
    {
        public ClusteringResult Cluster(IRunContext run) =>
            new Partition(Enumerable.Range(0, run.Data.Count).Select(i => i == 0 ? run.Clusters : i % run.Clusters).ToArray(), run.Clusters);
    }

    /// <summary>A branch with an embedding and no decoder.</summary>
    [Block("encoder-only", Summary = "test: linear encoder without decoder")]
    public sealed class EncoderOnlyBranch : IBranch
    {
        private torch.nn.Module<torch.Tensor, torch.Tensor>? _linear;

        public IReadOnlySet<string> Outputs { get; } = new HashSet<string> { Layers.Embedding };

        public torch.nn.Module Module => _linear!;

        public void Build(long[] sampleShape, int clusters) => _linear = torch.nn.Linear(sampleShape[0], 2);

        public BranchOutput Forward(torch.Tensor inputs, IReadOnlySet<string> required)
        {
            var output = new BranchOutput();
            output.Set(Layers.Embedding, _linear!.call(inputs));
            return output;
        }

        public void Dispose() => _linear?.Dispose();
    }

    /// <summary>A clustering loss that turns NaN at once.</summary>
    [Block("nan", Summary = "test: NaN loss")]
    public sealed class NanLoss(LossOptions options) : IClusteringLoss
    {
        public double Weight => options.Weight;

        public torch.Tensor Compute(StepInput step) => step.Features.sum() * double.NaN;
    }

    /// <summary>A clustering loss that reads centroids, which no built-in updater of the foundation provides.</summary>
    [Block("needs-centroids", Summary = "test: needs centroids")]
    public sealed class NeedsCentroidsLoss(LossOptions options) : IClusteringLoss
    {
        public double Weight => options.Weight;

        public IReadOnlyCollection<StateKey> Requires => [ClusterStateKeys.Centroids];

        public torch.Tensor Compute(StepInput step) => step.Features.sum();
    }

    /// <summary>Puts an infinite value into sample 3.</summary>
    [Block("poison", Summary = "test: writes inf into sample 3")]
    public sealed class PoisonPreprocessor : IPreprocessor
    {
        public torch.Tensor Apply(torch.Tensor features)
        {
            var copy = features.clone();
            copy[2, 0] = torch.tensor(double.PositiveInfinity);
            return copy;
        }
    }

    /// <summary>Trainable 'kmeans-init' that records its centroids after initialisation and after each epoch.</summary>
    [Block("recording-kmeans-init", Summary = "test: trainable kmeans-init recording its centroids")]
    public sealed class RecordingKMeansInit : IClusterUpdater
    {
        private readonly KMeansInitUpdater _inner = new(new KMeansInitUpdater.Options { Restarts = 2, Trainable = true });

        public static float[]? AfterInitialisation { get; private set; }

        public static float[]? AfterLastEpoch { get; private set; }

        public IReadOnlyCollection<StateKey> Provides => _inner.Provides;

        public void OnPhaseStart(IRunContext run)
        {
            _inner.OnPhaseStart(run);
            AfterInitialisation = run.State.Get(ClusterStateKeys.Centroids)?.data<float>().ToArray() ?? AfterInitialisation;
        }

        public UpdateOutcome OnEpochEnd(IRunContext run)
        {
            AfterLastEpoch = run.State.Get(ClusterStateKeys.Centroids)?.data<float>().ToArray();
            return _inner.OnEpochEnd(run);
        }
    }
}
