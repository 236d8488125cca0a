using TorchSharp;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;

namespace Taxonomy.Blocks.Branches;

/// <summary>Options every autoencoder branch has besides the branch's own: denoising.</summary>
public class AutoencoderBranchOptions : BranchOptions
{
    [System.ComponentModel.Description("Masking noise on the input while training (each input value zeroed with this probability and the rest scaled by 1/(1 − p): a denoising autoencoder, as DEC's and DEPICT's); the reconstruction target stays the clean input. 0 = none.")]
    [System.ComponentModel.DataAnnotations.Range(0.0, 0.95)]
    // Left out of the options' JSON when 0, so the pre-training cache keys of networks trained before it existed hold.
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public double InputDropout { get; set; }
}

/// <summary>What the autoencoder branches share: their output names, and one forward pass that fills them.</summary>
internal static class AutoencoderOutputs
{
    /// <summary>embedding, reconstruction and hidden1…hidden<paramref name="hiddenLayers"/>.</summary>
    public static IReadOnlySet<string> Names(int hiddenLayers) =>
        new HashSet<string>(Enumerable.Range(1, hiddenLayers).Select(Layers.Hidden)) { Layers.Embedding, Layers.Reconstruction };

    /// <summary>Denoising: while training, zeroes each input value with probability p and rescales the rest by 1/(1 − p).</summary>
    public static torch.Tensor Corrupt(torch.Tensor inputs, double p, bool training) =>
        training && p > 0 ? torch.nn.functional.dropout(inputs, p, training: true) : inputs;

    /// <summary>
    /// Runs the hidden stages in order, keeping stage i's output as hidden{i} when required, then the embedding of the
    /// last one, and the decoder's reconstruction of the embedding when required.
    /// With a <paramref name="logVarianceHead"/> the encoder is variational: the embedding is the mean μ of q(z|x), the
    /// head gives log σ², and when the sample is required while training, z = μ + σ·ε is drawn and decoded instead of
    /// μ (so the same network pre-trains as a plain autoencoder, and evaluates deterministically).
    /// </summary>
    public static BranchOutput Run(torch.Tensor inputs, IReadOnlySet<string> required,
        IEnumerable<torch.nn.Module<torch.Tensor, torch.Tensor>> hiddenStages,
        torch.nn.Module<torch.Tensor, torch.Tensor> embedding, torch.nn.Module<torch.Tensor, torch.Tensor> decoder,
        torch.nn.Module<torch.Tensor, torch.Tensor>? logVarianceHead = null, bool training = false)
    {
        var output = new BranchOutput();
        var h = Stages.RunHidden(inputs, required, hiddenStages, output);
        var code = embedding.call(h);
        output.Set(Layers.Embedding, code);
        if (logVarianceHead is not null)
        {
            var logVariance = logVarianceHead.call(h);
            output.Set(Layers.LogVariance, logVariance);
            if (required.Contains(Layers.Sample))
            {
                code = training ? code + (logVariance * 0.5).exp() * torch.randn_like(code) : code;
                output.Set(Layers.Sample, code);
            }
        }
        if (required.Contains(Layers.Reconstruction))
        {
            output.Set(Layers.Reconstruction, decoder.call(code));
        }
        return output;
    }
}
