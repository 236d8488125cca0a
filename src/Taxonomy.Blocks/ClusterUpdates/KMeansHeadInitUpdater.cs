using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Training;
using Taxonomy.Abstractions.Registration;

namespace Taxonomy.Blocks.ClusterUpdates;

/// <summary>
/// Starts a classifier branch from k-means: at the start of each clustering phase, k-means on the (preprocessed) inputs
/// gives pseudo-labels, and the branch is trained for a few epochs with cross-entropy between its logits and them, so
/// that the clustering loss refines the k-means partition instead of starting from a random one (RIM's experiments
/// start from k-means-like solutions; for a linear model this fit learns the nearest-centroid rule). Afterwards the
/// cluster state is left as it was: the method's own losses take over.
/// </summary>
[Block("kmeans-head-init", Summary = "Fit the branch's softmax head to k-means pseudo-labels of the inputs at the start of the clustering phase.")]
public sealed class KMeansHeadInitUpdater(KMeansHeadInitUpdater.Options options) : IClusterUpdater
{
    public sealed class Options : BlockOptions
    {
        [Description("k-means++ restarts on the inputs; the lowest inertia wins.")]
        [Range(1, 1000)]
        public int Restarts { get; set; } = 10;

        [Description("Epochs of cross-entropy training of the branch on the k-means labels.")]
        [Range(1, 10_000)]
        public int Epochs { get; set; } = 20;

        [Description("Adam learning rate of that training.")]
        [Range(1e-8, 10.0)]
        public double LearningRate { get; set; } = 0.01;

        [Description("Mini-batch size of that training.")]
        [Range(1, 1_000_000)]
        public int BatchSize { get; set; } = 256;
    }

    public void CheckComposition(Composition composition)
    {
        composition.Require(this, composition.Branch.Outputs.Contains(Layers.Logits),
            $"needs a branch with a softmax head ('logits'), which {composition.Describe(composition.Branch)} does not have");
        composition.RequireClusteringPhase(this, "clusterUpdater");
    }

    public void OnPhaseStart(IRunContext run)
    {
        if (run.Progress.Phase.Kind != PhaseKind.Clustering)
        {
            return;
        }
        using var scope = torch.NewDisposeScope();
        var inputs = run.Data.Features;
        var n = inputs.shape[0];
        using var kmeans = run.KMeans.Fit(inputs.reshape(n, -1), run.Clusters, new KMeansSettings { Restarts = options.Restarts }, run.Random.Torch);
        var labels = torch.tensor(kmeans.Labels.Select(l => (long)l).ToArray());
        var module = run.Branch.Module;
        var wasTraining = module.training;
        module.train();
        var logits = new HashSet<string> { Layers.Logits };
        var agreement = 0.0;
        using (var optimizer = torch.optim.Adam(module.parameters(), options.LearningRate))
        {
            for (var epoch = 0; epoch < options.Epochs; epoch++)
            {
                using var order = torch.randperm(n, generator: run.Random.Torch);
                for (long start = 0; start < n; start += options.BatchSize)
                {
                    using var step = torch.NewDisposeScope();
                    var length = Math.Min(options.BatchSize, n - start);
                    if (length < 2 && n > 1)
                    {
                        continue;   // batch norm cannot train on one sample
                    }
                    var batch = order.narrow(0, start, length);
                    optimizer.zero_grad();
                    var output = run.Branch.Forward(inputs.index_select(0, batch), logits)[Layers.Logits];
                    torch.nn.functional.cross_entropy(output, labels.index_select(0, batch)).backward();
                    optimizer.step();
                }
            }
        }
        module.train(wasTraining);
        using (var check = torch.NewDisposeScope())
        {
            var predicted = run.LayerOfAll(Layers.Logits).argmax(1);
            agreement = predicted.eq(labels).to(torch.float64).mean().item<double>();
        }
        run.Log($"[{run.Progress.Phase.Name}] k-means head initialisation: inertia {kmeans.Inertia:G6}, {options.Epochs} epochs, " +
                $"the head agrees with k-means on {agreement:P1} of the samples");
    }
}
