using System.ComponentModel;
using TorchSharp;
using TorchSharp.Modules;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;
using static TorchSharp.torch.nn;

namespace Taxonomy.Blocks.Branches;

/// <summary>
/// Fully connected classifier d–dims…–K with a softmax head (IMSAT: d–1200–1200–K; RIM: d–K, no hidden layer).
/// Each hidden layer is linear, then batch norm (optional), activation and dropout (optional); the head is linear with
/// one output per cluster of the composition (optionally batch-normalised, as in DAC). Outputs: hidden1…hiddenN, embedding (the last hidden layer, or the input
/// when there is none), logits and probabilities (softmax of the logits).
/// </summary>
[Block("mlp-classifier", Summary = "Fully connected classifier with a K-way softmax head (IMSAT, RIM): logits, probabilities, hidden layers.")]
public sealed class MlpClassifierBranch(MlpClassifierBranch.Options options) : IBranch
{
    public sealed class Options : BranchOptions
    {
        [Description("Hidden layer sizes after the input; the K-way head follows. Default [1200, 1200] (IMSAT); [] is a linear (multilogit) model as in RIM.")]
        public List<int>? Dims { get; set; }

        [Description("Hidden-layer activation: " + Activations.Help + ".")]
        public string Activation { get; set; } = "relu";

        [Description("Batch normalisation after each hidden linear layer (IMSAT: true).")]
        public bool BatchNorm { get; set; } = true;

        [Description("Dropout probability after each hidden activation (0 = none).")]
        [System.ComponentModel.DataAnnotations.Range(0.0, 0.95)]
        public double Dropout { get; set; }

        [Description("Batch normalisation of the logits before the softmax, as DAC's network ends (spreads the initial predictions apart).")]
        public bool HeadBatchNorm { get; set; }

        public override void ApplyDefaults() => Dims ??= [1200, 1200];

        public override IEnumerable<(string Option, string Message)> Validate() =>
            DimsProblems().Concat(Activations.Check(Activation));

        private IEnumerable<(string Option, string Message)> DimsProblems()
        {
            if (Dims?.Any(d => d <= 0) == true)
            {
                yield return ("dims", "hidden layer sizes must be positive ([] for a linear model)");
            }
        }
    }

    private ClassifierNetwork? _network;

    public IReadOnlySet<string> Outputs { get; } = ClassifierOutputs.Names(hiddenLayers: options.Dims!.Count);

    public torch.nn.Module Module => Network;

    private ClassifierNetwork Network =>
        _network ?? throw new InvalidOperationException("The branch is used before Build().");

    public void Build(long[] sampleShape, int clusters)
    {
        SampleShapes.RequireFlat(this, sampleShape);
        _network = new ClassifierNetwork((int)sampleShape[0], clusters, options);
    }

    public BranchOutput Forward(torch.Tensor inputs, IReadOnlySet<string> required) =>
        ClassifierOutputs.Run(inputs, required, Network.Hidden, Network.Head);

    public void Dispose() => _network?.Dispose();

    private sealed class ClassifierNetwork : torch.nn.Module
    {
        private readonly ModuleList<Module<torch.Tensor, torch.Tensor>> _hidden = new();
        private readonly Module<torch.Tensor, torch.Tensor> _head;

        public ClassifierNetwork(int inputSize, int clusters, Options options) : base(nameof(ClassifierNetwork))
        {
            var previous = inputSize;
            foreach (var size in options.Dims!)
            {
                _hidden.Add(Sequential(Stages.DenseLayers(previous, size, options.BatchNorm, options.Activation, options.Dropout)));
                previous = size;
            }
            _head = Stages.Head(previous, clusters, options.HeadBatchNorm);
            RegisterComponents();
        }

        public IEnumerable<Module<torch.Tensor, torch.Tensor>> Hidden => _hidden;

        public Module<torch.Tensor, torch.Tensor> Head => _head;
    }
}

/// <summary>What the classifier branches share: their output names, and one forward pass that fills them.</summary>
internal static class ClassifierOutputs
{
    /// <summary>embedding, logits, probabilities and hidden1…hidden<paramref name="hiddenLayers"/>.</summary>
    public static IReadOnlySet<string> Names(int hiddenLayers) =>
        new HashSet<string>(Enumerable.Range(1, hiddenLayers).Select(Layers.Hidden))
        {
            Layers.Embedding, Layers.Logits, Layers.Probabilities,
        };

    /// <summary>
    /// Runs the hidden stages in order (stage i's output is hidden{i}; the last one, flattened, is the embedding), then
    /// the head's logits, and their softmax when required. Logits are always computed: every loss of a classifier reads them.
    /// </summary>
    public static BranchOutput Run(torch.Tensor inputs, IReadOnlySet<string> required,
        IEnumerable<torch.nn.Module<torch.Tensor, torch.Tensor>> hiddenStages, torch.nn.Module<torch.Tensor, torch.Tensor> head)
    {
        var output = new BranchOutput();
        var h = Stages.RunHidden(inputs, required, hiddenStages, output);
        h = h.reshape(h.shape[0], -1);
        output.Set(Layers.Embedding, h);
        var logits = head.call(h);
        output.Set(Layers.Logits, logits);
        if (required.Contains(Layers.Probabilities))
        {
            output.Set(Layers.Probabilities, torch.nn.functional.softmax(logits, 1));
        }
        return output;
    }
}
