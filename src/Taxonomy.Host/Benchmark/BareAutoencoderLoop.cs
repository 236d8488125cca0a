using System.Diagnostics;
using TorchSharp;
using Taxonomy.Blocks.Branches;
using static TorchSharp.torch.nn;
using Activations = Taxonomy.Blocks.Branches.Activations;

namespace Taxonomy.Host.Benchmark;

/// <summary>
/// The baseline the framework is measured against: a hand-written TorchSharp training loop for the same MLP
/// autoencoder (its activation included), batch size and Adam settings, with nothing else (no blocks, hooks, logging
/// or metrics).
/// </summary>
public static class BareAutoencoderLoop
{
    /// <returns>Samples per second over <paramref name="epochs"/> epochs on random data of the given size.</returns>
    public static double SamplesPerSecond(int samples, int inputSize, IReadOnlyList<int> dims, string activation,
        int batchSize, double learningRate, int epochs, int seed)
    {
        torch.manual_seed(seed);
        var sizes = new List<int> { inputSize };
        sizes.AddRange(dims);
        var layers = new List<Module<torch.Tensor, torch.Tensor>>();
        for (var i = 0; i + 1 < sizes.Count; i++)
        {
            layers.Add(Linear(sizes[i], sizes[i + 1]));
            if (i + 2 < sizes.Count)
            {
                layers.Add(Activations.Create(activation));
            }
        }
        for (var i = sizes.Count - 1; i > 0; i--)
        {
            layers.Add(Linear(sizes[i], sizes[i - 1]));
            if (i > 1)
            {
                layers.Add(Activations.Create(activation));
            }
        }
        using var model = Sequential(layers);
        using var data = torch.rand(samples, inputSize);
        using var optimizer = torch.optim.Adam(model.parameters(), learningRate, beta1: 0.9, beta2: 0.999);
        using var generator = new torch.Generator((ulong)seed);
        var clock = Stopwatch.StartNew();
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            using var order = torch.randperm(samples, generator: generator);
            for (long start = 0; start < samples; start += batchSize)
            {
                using var scope = torch.NewDisposeScope();
                var x = data.index_select(0, order.narrow(0, start, Math.Min(batchSize, samples - start)));
                optimizer.zero_grad();
                var loss = functional.mse_loss(model.call(x), x);
                loss.backward();
                optimizer.step();
                _ = loss.item<float>();  // the framework reads each loss once too (NaN check, log)
            }
        }
        return (double)samples * epochs / clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// The branch's options when the baseline applies to it, else null: plain MLP autoencoders (no batch norm, dropout
    /// or input masking), whatever their activation. The bare loop does none of that work, so the comparison would
    /// charge it to the framework.
    /// </summary>
    public static MlpAutoencoderBranch.Options? PlainAutoencoder(object branchOptions) =>
        branchOptions is MlpAutoencoderBranch.Options { BatchNorm: false, Dropout: 0, InputDropout: 0 } plain ? plain : null;
}
