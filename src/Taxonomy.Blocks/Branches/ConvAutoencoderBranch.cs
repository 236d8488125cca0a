using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using TorchSharp;
using TorchSharp.Modules;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;
using static TorchSharp.torch.nn;

namespace Taxonomy.Blocks.Branches;

/// <summary>How a convolutional stage halves the image.</summary>
public enum Downsampling
{
    /// <summary>A stride-2 convolution (DCEC's convolutional autoencoder); the decoder, stride-2 transposed convolutions.</summary>
    Stride,

    /// <summary>A stride-1 convolution, then 2×2 max-pooling (the paper's network); the decoder unpools (nearest) and convolves.</summary>
    Pool,
}

/// <summary>
/// Convolutional autoencoder for images [channels, height, width] (the paper's own network; DCEC's CAE).
/// Encoder: one stage per entry of <c>channels</c>: convolution ('same' padding), optional batch norm, activation,
/// halving height and width, rounding up (28 → 14 → 7 → 4), by stride or by max-pooling. Then flatten and a linear
/// embedding (no activation). Decoder, mirrored: linear and activation back to the last feature map, then per stage a
/// stride-2 transposed convolution (or nearest unpooling and a convolution) to the exact size the encoder saw, so the
/// reconstruction has the input's shape; the last layer is linear.
/// Outputs: embedding, reconstruction, and hidden1…hiddenL, the feature maps [C_i, h_i, w_i] of the L stages
/// (the feature selectors flatten them).
/// Every convolution is a <see cref="VerifiedConv2d"/>, computed as the host's <see cref="IConvolutionChoice"/> says
/// (libtorch 2.10's fast oneDNN kernels return wrong values on some CPUs).
/// </summary>
[Block("conv-autoencoder", Summary = "Convolutional autoencoder for images: strided or max-pooled conv stages, linear embedding, mirrored decoder.")]
public sealed class ConvAutoencoderBranch(ConvAutoencoderBranch.Options options, IConvolutionChoice convolutions) : IBranch, IDecoder
{
    public sealed class Options : AutoencoderBranchOptions, IConvolutionStageOptions
    {
        [Description("Output channels of each conv stage; each stage halves height and width (rounding up). Default [32, 64, 128].")]
        public List<int>? Channels { get; set; }

        [Description("Kernel size of every conv stage; odd, so that 'same' padding keeps the size. kernelSizes overrides it.")]
        [Range(1, 99)]
        public int KernelSize { get; set; } = 5;

        [Description("Kernel size per stage, one per channels entry, e.g. [5, 5, 3] (DCEC); absent: kernelSize everywhere.")]
        public List<int>? KernelSizes { get; set; }

        [Description("How a stage halves the image: stride (stride-2 conv, DCEC) or pool (conv, then 2×2 max-pooling, the paper).")]
        public Downsampling Downsampling { get; set; } = Downsampling.Stride;

        [Description("Batch normalisation after each hidden conv (before the activation), as in the paper's network.")]
        public bool BatchNorm { get; set; }

        [Description("Activation after each hidden conv and the decoder's first linear layer: " + Activations.Help + ".")]
        public string Activation { get; set; } = "relu";

        [Description("Size of the embedding (a linear layer, no activation).")]
        [Range(1, 1_000_000)]
        public int Embedding { get; set; } = 10;

        public override void ApplyDefaults() => Channels ??= [32, 64, 128];

        /// <summary>The kernel size of each stage.</summary>
        public IReadOnlyList<int> Kernels() => KernelSizes ?? Enumerable.Repeat(KernelSize, Channels!.Count).ToList();

        public override IEnumerable<(string Option, string Message)> Validate() =>
            ConvolutionStages.Check(this, "[32, 64, 128]").Concat(KernelSizesProblems()).Concat(Activations.Check(Activation));

        private IEnumerable<(string Option, string Message)> KernelSizesProblems()
        {
            if (KernelSizes is not null && (KernelSizes.Count != Channels?.Count || KernelSizes.Any(k => k <= 0 || k % 2 == 0)))
            {
                yield return ("kernelSizes", $"must give one odd kernel size per stage ({Channels?.Count} stages), e.g. [5, 5, 3]");
            }
        }
    }

    private ConvNetwork? _network;

    public IReadOnlySet<string> Outputs { get; } = AutoencoderOutputs.Names(hiddenLayers: options.Channels!.Count);

    public torch.nn.Module Module => Network;

    private ConvNetwork Network => _network ?? throw new InvalidOperationException("The branch is used before Build().");

    public void Build(long[] sampleShape, int clusters)
    {
        SampleShapes.RequireImages(this, sampleShape);
        _network = new ConvNetwork(sampleShape, options, convolutions);
    }

    public BranchOutput Forward(torch.Tensor inputs, IReadOnlySet<string> required) => Network.Run(inputs, required);

    public torch.Tensor Decode(torch.Tensor embeddings) => Network.Decode(embeddings);

    public void Dispose() => _network?.Dispose();

    /// <summary>The TorchSharp module: encoder stages kept apart so that their feature maps can be read out.</summary>
    private sealed class ConvNetwork : torch.nn.Module
    {
        private readonly ModuleList<Module<torch.Tensor, torch.Tensor>> _encoder = new();
        private readonly Sequential _embedding;
        private readonly Sequential _decoder;
        private readonly double _inputDropout;

        public ConvNetwork(long[] sampleShape, Options options, IConvolutionChoice convolutions) : base(nameof(ConvNetwork))
        {
            _inputDropout = options.InputDropout;
            var channels = new List<long> { sampleShape[0] };
            channels.AddRange(options.Channels!.Select(c => (long)c));
            // Height and width seen by each stage, and after the last: 'same' padding, then halving rounded up.
            var sizes = new List<(long Height, long Width)> { (sampleShape[1], sampleShape[2]) };
            for (var i = 0; i < options.Channels!.Count; i++)
            {
                sizes.Add(((sizes[i].Height + 1) / 2, (sizes[i].Width + 1) / 2));
            }
            var kernels = options.Kernels();
            var stages = kernels.Count;
            for (var i = 0; i < stages; i++)
            {
                _encoder.Add(EncoderStage(channels[i], channels[i + 1], kernels[i], options, convolutions));
            }
            var last = sizes[stages];
            var flat = channels[stages] * last.Height * last.Width;
            _embedding = Sequential(Flatten(), Linear(flat, options.Embedding));

            var decoder = new List<Module<torch.Tensor, torch.Tensor>>
            {
                Linear(options.Embedding, flat),
                Activations.Create(options.Activation),
                Unflatten(1, [channels[stages], last.Height, last.Width]),
            };
            for (var i = stages - 1; i >= 0; i--)
            {
                decoder.Add(DecoderStage(channels[i + 1], channels[i], kernels[i], sizes[i + 1], sizes[i], isOutput: i == 0,
                    options, convolutions));
            }
            _decoder = Sequential(decoder);
            RegisterComponents();
        }

        public BranchOutput Run(torch.Tensor inputs, IReadOnlySet<string> required) =>
            AutoencoderOutputs.Run(AutoencoderOutputs.Corrupt(inputs, _inputDropout, training), required, _encoder,
                _embedding, _decoder);

        public torch.Tensor Decode(torch.Tensor code) => _decoder.call(code);

        /// <summary>conv ('same' padding; stride 2, or stride 1 and max-pooling), batch norm, activation.</summary>
        private static Sequential EncoderStage(long input, long output, int kernel, Options options,
            IConvolutionChoice convolutions)
        {
            var strided = options.Downsampling == Downsampling.Stride;
            var layers = ConvolutionStages.Layers(input, output, kernel, strided ? 2 : 1, options, convolutions);
            if (!strided)
            {
                layers.Add(MaxPool2d(2, 2, ceil_mode: true));
            }
            return Sequential(layers);
        }

        /// <summary>
        /// From <paramref name="from"/> back to exactly <paramref name="to"/>. Stride: a stride-2 transposed convolution
        /// (odd kernel, 'same' padding, output padding 1, so 2·in), computed as what it is, zero insertion followed by a
        /// 'same' convolution (libtorch's ConvTranspose2d is outside the host's check of the convolution kernels),
        /// and cropped by the extra last row or column where the encoder's input was odd. Pool: nearest unpooling to the
        /// exact size and a 'same' convolution. Batch norm and activation except on the output layer.
        /// </summary>
        private static Sequential DecoderStage(long input, long output, int kernel, (long Height, long Width) from,
            (long Height, long Width) to, bool isOutput, Options options, IConvolutionChoice convolutions)
        {
            var layers = new List<Module<torch.Tensor, torch.Tensor>>();
            if (options.Downsampling == Downsampling.Stride)
            {
                layers.Add(new ZeroInsertion());
                layers.Add(new VerifiedConv2d(input, output, kernel, 1, kernel / 2, bias: isOutput || !options.BatchNorm, convolutions));
                if (to != (2 * from.Height, 2 * from.Width))
                {
                    layers.Add(new Crop(to.Height, to.Width));
                }
            }
            else
            {
                layers.Add(Upsample(size: [to.Height, to.Width], mode: torch.UpsampleMode.Nearest));
                layers.Add(new VerifiedConv2d(input, output, kernel, 1, kernel / 2, bias: isOutput || !options.BatchNorm, convolutions));
            }
            if (!isOutput)
            {
                layers.AddRange(Stages.NormalisedActivation(output, options.BatchNorm, options.Activation, featureMaps: true));
            }
            return Sequential(layers);
        }
    }

    /// <summary>Spreads a feature map [b, c, h, w] to [b, c, 2h, 2w]: each value at an even row and column, zeros between.</summary>
    private sealed class ZeroInsertion() : Module<torch.Tensor, torch.Tensor>(nameof(ZeroInsertion))
    {
        public override torch.Tensor forward(torch.Tensor input)
        {
            var (batch, channels, height, width) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3]);
            using var scope = torch.NewDisposeScope();
            var wide = torch.stack([input, torch.zeros_like(input)], 4).reshape(batch, channels, height, 2 * width);
            return torch.stack([wide, torch.zeros_like(wide)], 3).reshape(batch, channels, 2 * height, 2 * width)
                .MoveToOuterDisposeScope();
        }
    }

    /// <summary>Keeps the first <c>height</c> rows and <c>width</c> columns of a feature map [b, c, h, w].</summary>
    private sealed class Crop(long height, long width) : Module<torch.Tensor, torch.Tensor>(nameof(Crop))
    {
        public override torch.Tensor forward(torch.Tensor input) => input.narrow(2, 0, height).narrow(3, 0, width);
    }
}
