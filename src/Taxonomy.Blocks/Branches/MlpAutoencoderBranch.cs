using System.ComponentModel;
using TorchSharp;
using TorchSharp.Modules;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;
using static TorchSharp.torch.nn;

namespace Taxonomy.Blocks.Branches;

/// <summary>
/// Fully connected autoencoder d–dims…–embedding with a mirrored decoder (DEC, IDEC, DCN, DKM):
/// activation on every hidden layer, linear embedding and linear reconstruction.
/// Outputs: embedding, reconstruction, and hidden1…hiddenN-1 for the encoder's hidden layers.
/// </summary>
[Block("mlp-autoencoder", Summary = "Fully connected autoencoder; linear embedding and output, mirrored decoder.")]
public class MlpAutoencoderBranch(MlpAutoencoderBranch.Options options) : IBranch, IDecoder
{
    public sealed class Options : AutoencoderBranchOptions
    {
        [Description("Encoder layer sizes after the input; the last is the embedding. Default [500, 500, 2000, 10].")]
        public List<int>? Dims { get; set; }

        [Description("Hidden-layer activation: " + Activations.Help + ".")]
        public string Activation { get; set; } = "relu";

        [Description("Batch normalisation after each hidden linear layer.")]
        public bool BatchNorm { get; set; }

        [Description("Dropout probability after each hidden activation (0 = none).")]
        [System.ComponentModel.DataAnnotations.Range(0.0, 0.95)]
        public double Dropout { get; set; }

        public override void ApplyDefaults() => Dims ??= [500, 500, 2000, 10];

        public override IEnumerable<(string Option, string Message)> Validate() =>
            DimsProblems().Concat(Activations.Check(Activation));

        private IEnumerable<(string Option, string Message)> DimsProblems()
        {
            if (Dims is { Count: 0 } || Dims?.Any(d => d <= 0) == true)
            {
                yield return ("dims", "must list at least one positive layer size");
            }
        }
    }

    private AutoencoderNetwork? _network;

    public virtual IReadOnlySet<string> Outputs { get; } = AutoencoderOutputs.Names(hiddenLayers: options.Dims!.Count - 1);

    /// <summary>A variational encoder: a log σ² head beside the embedding (μ), and decoding from a sample z (VAE).</summary>
    private protected virtual bool Variational => false;

    public torch.nn.Module Module => Network;

    private AutoencoderNetwork Network =>
        _network ?? throw new InvalidOperationException("The branch is used before Build().");

    public void Build(long[] sampleShape, int clusters)
    {
        SampleShapes.RequireFlat(this, sampleShape);
        _network = new AutoencoderNetwork((int)sampleShape[0], options, Variational);
    }

    public BranchOutput Forward(torch.Tensor inputs, IReadOnlySet<string> required) =>
        Network.Run(inputs, required);

    public torch.Tensor Decode(torch.Tensor embeddings) => Network.Decode(embeddings);

    public void Dispose()
    {
        _network?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>The TorchSharp module: encoder stages kept apart so hidden layers can be read out.</summary>
    private sealed class AutoencoderNetwork : torch.nn.Module
    {
        private readonly ModuleList<Module<torch.Tensor, torch.Tensor>> _encoder = new();
        private readonly Sequential _decoder;
        private readonly Linear? _logVariance;
        private readonly double _inputDropout;

        public AutoencoderNetwork(int inputSize, Options options, bool variational) : base(nameof(AutoencoderNetwork))
        {
            _inputDropout = options.InputDropout;
            var sizes = new List<int> { inputSize };
            sizes.AddRange(options.Dims!);
            for (var i = 0; i + 1 < sizes.Count; i++)
            {
                var last = i + 2 == sizes.Count;
                _encoder.Add(Stage(sizes[i], sizes[i + 1], last, options));
            }
            var decoderStages = new List<Module<torch.Tensor, torch.Tensor>>();
            for (var i = sizes.Count - 1; i > 0; i--)
            {
                decoderStages.Add(Stage(sizes[i], sizes[i - 1], i == 1, options));
            }
            _decoder = Sequential(decoderStages);
            if (variational)
            {
                _logVariance = Linear(sizes[^2], sizes[^1]);
            }
            RegisterComponents();
        }

        /// <summary>The encoder's last stage is the embedding; the ones before it are the hidden layers.</summary>
        /// The input masking is functional (no module), so weights saved with or without it load into either.
        public BranchOutput Run(torch.Tensor inputs, IReadOnlySet<string> required) =>
            AutoencoderOutputs.Run(AutoencoderOutputs.Corrupt(inputs, _inputDropout, training), required,
                _encoder.Take(_encoder.Count - 1), _encoder[^1], _decoder, _logVariance, training);

        public torch.Tensor Decode(torch.Tensor code) => _decoder.call(code);

        /// <summary>Linear, then (unless it is the embedding or output layer) batch norm, activation, dropout.</summary>
        private static Module<torch.Tensor, torch.Tensor> Stage(int input, int output, bool linearOnly, Options options)
        {
            return linearOnly
                ? Sequential(Linear(input, output))
                : Sequential(Stages.DenseLayers(input, output, options.BatchNorm, options.Activation, options.Dropout));
        }
    }
}
