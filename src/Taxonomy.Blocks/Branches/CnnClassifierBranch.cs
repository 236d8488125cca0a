using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using TorchSharp;
using TorchSharp.Modules;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;
using static TorchSharp.torch.nn;

namespace Taxonomy.Blocks.Branches;

/// <summary>
/// Convolutional classifier for images [channels, height, width] with a K-way softmax head (DAC's network, shrunk).
/// One stage per entry of <c>channels</c>: convsPerStage × [convolution ('same' padding), batch norm, activation], then
/// 2×2 max-pooling (halving height and width, rounding up). Then flatten, the dense hidden layers of <c>dense</c>
/// (linear, batch norm, activation), and a linear head with one output per cluster, optionally batch-normalised as DAC's.
/// Outputs: hidden1…hiddenN (the conv stages' feature maps, then the dense layers), embedding (the last hidden layer,
/// flattened), logits and probabilities. Every convolution is a <see cref="VerifiedConv2d"/>, computed as the host's
/// <see cref="IConvolutionChoice"/> says (libtorch's fast oneDNN kernels return wrong values on some CPUs).
/// </summary>
[Block("cnn-classifier", Summary = "Convolutional classifier for images: conv + BN + ReLU + max-pool stages, dense layers, K-way softmax head (DAC).")]
public sealed class CnnClassifierBranch(CnnClassifierBranch.Options options, IConvolutionChoice convolutions) : IBranch
{
    public sealed class Options : BranchOptions, IConvolutionStageOptions
    {
        [Description("Output channels of each conv stage; each stage ends with 2×2 max-pooling. Default [64, 128] (DAC's two blocks).")]
        public List<int>? Channels { get; set; }

        [Description("Convolutions per stage, all with the stage's channels (DAC on MNIST: 3).")]
        [Range(1, 10)]
        public int ConvsPerStage { get; set; } = 1;

        [Description("Kernel size of every convolution; odd, so that 'same' padding keeps the size.")]
        [Range(1, 99)]
        public int KernelSize { get; set; } = 3;

        [Description("Sizes of the dense hidden layers between the last conv stage and the head (DAC: [10, 10]); default none.")]
        public List<int>? Dense { get; set; }

        [Description("Batch normalisation after each hidden convolution and dense layer.")]
        public bool BatchNorm { get; set; } = true;

        [Description("Hidden-layer activation: " + Activations.Help + ".")]
        public string Activation { get; set; } = "relu";

        [Description("Batch normalisation of the logits before the softmax, as DAC's network ends.")]
        public bool HeadBatchNorm { get; set; }

        public override void ApplyDefaults()
        {
            Channels ??= [64, 128];
            Dense ??= [];
        }

        public override IEnumerable<(string Option, string Message)> Validate() =>
            ConvolutionStages.Check(this, "[64, 128]").Concat(DenseProblems()).Concat(Activations.Check(Activation));

        private IEnumerable<(string Option, string Message)> DenseProblems()
        {
            if (Dense?.Any(d => d <= 0) == true)
            {
                yield return ("dense", "dense layer sizes must be positive");
            }
        }
    }

    private CnnNetwork? _network;

    public IReadOnlySet<string> Outputs { get; } =
        ClassifierOutputs.Names(hiddenLayers: options.Channels!.Count + options.Dense!.Count);

    public torch.nn.Module Module => Network;

    private CnnNetwork Network => _network ?? throw new InvalidOperationException("The branch is used before Build().");

    public void Build(long[] sampleShape, int clusters)
    {
        SampleShapes.RequireImages(this, sampleShape);
        _network = new CnnNetwork(sampleShape, clusters, options, convolutions);
    }

    public BranchOutput Forward(torch.Tensor inputs, IReadOnlySet<string> required) =>
        ClassifierOutputs.Run(inputs, required, Network.Hidden, Network.Head);

    public void Dispose() => _network?.Dispose();

    private sealed class CnnNetwork : torch.nn.Module
    {
        private readonly ModuleList<Module<torch.Tensor, torch.Tensor>> _hidden = new();
        private readonly Module<torch.Tensor, torch.Tensor> _head;

        public CnnNetwork(long[] sampleShape, int clusters, Options options, IConvolutionChoice convolutions)
            : base(nameof(CnnNetwork))
        {
            var (channels, height, width) = (sampleShape[0], sampleShape[1], sampleShape[2]);
            foreach (var output in options.Channels!)
            {
                var layers = new List<Module<torch.Tensor, torch.Tensor>>();
                for (var i = 0; i < options.ConvsPerStage; i++)
                {
                    layers.AddRange(ConvolutionStages.Layers(i == 0 ? channels : output, output, options.KernelSize, 1,
                        options, convolutions));
                }
                layers.Add(MaxPool2d(2, 2, ceil_mode: true));
                _hidden.Add(Sequential(layers));
                (channels, height, width) = (output, (height + 1) / 2, (width + 1) / 2);
            }
            var previous = channels * height * width;
            foreach (var size in options.Dense!)
            {
                _hidden.Add(Sequential([Flatten(), .. Stages.DenseLayers(previous, size, options.BatchNorm, options.Activation)]));
                previous = size;
            }
            _head = Stages.Head(previous, clusters, options.HeadBatchNorm);
            RegisterComponents();
        }

        public IEnumerable<Module<torch.Tensor, torch.Tensor>> Hidden => _hidden;

        public Module<torch.Tensor, torch.Tensor> Head => _head;
    }
}
