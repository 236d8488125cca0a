using System.ComponentModel;
using TorchSharp;
using TorchSharp.Modules;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Augmentation;

namespace Taxonomy.Blocks.NonClusteringLosses;

/// <summary>
/// The taxonomy's "other task" non-clustering loss, with auxiliary targets made from the data: every image of the batch
/// is rotated by 0°, 90°, 180° and 270°, the four copies go through the branch, and a linear head on one of its layers
/// learns which rotation each copy had (cross-entropy; Gidaris et al.'s RotNet task). The head belongs to the loss and is
/// dropped after training, as SCCNN drops its speaker-identification layer; the clustering uses the branch's features.
/// </summary>
[Block("rotation-prediction", Summary = "'Other task' loss: a head on a branch layer classifies which of 4 right-angle rotations each image had (auxiliary targets from the data).")]
public sealed class RotationPredictionLoss(RotationPredictionLoss.Options options) : INonClusteringLoss, IDisposable
{
    private const int Rotations = 4;

    public sealed class Options : LossOptions
    {
        [Description("The branch output the rotation head reads (e.g. embedding, or a hidden layer).")]
        public string Layer { get; set; } = Layers.Embedding;

        [Description("[channels, height, width] of flat samples (an MLP on images); absent: 3-D samples give their own shape, flat ones must be square single-channel images.")]
        public List<long>? ImageShape { get; set; }

        public override IEnumerable<(string Option, string Message)> Validate()
        {
            if (ImageShape is not null && (ImageShape.Count != 3 || ImageShape.Any(d => d <= 0)))
            {
                yield return ("imageShape", "must be three positive sizes: [channels, height, width]");
            }
        }
    }

    private Linear? _head;
    private long[] _sampleShape = [];
    private long[] _image = [];

    public double Weight => options.Weight;

    // The loss runs the branch itself, on the rotated copies.
    public IReadOnlyList<string> RequiredLayers => [];

    public IEnumerable<Parameter> Parameters => _head?.parameters() ?? [];

    public void Build(IBranch branch, long[] sampleShape)
    {
        _image = ImageShape.Of(sampleShape, options.ImageShape, "rotation-prediction", "imageShape");
        if (_image[1] != _image[2])
        {
            throw new ArgumentException(
                $"rotation-prediction: the images are {_image[1]}×{_image[2]}; right-angle rotations need square images");
        }
        _sampleShape = sampleShape;
        _head?.Dispose();
        _head = torch.nn.Linear(BranchLayer.Width(branch, sampleShape, options.Layer, "rotation-prediction"), Rotations);
    }

    public torch.Tensor Compute(StepInput step)
    {
        var head = _head ?? throw new InvalidOperationException("rotation-prediction: the loss is used before Build().");
        var inputs = step.Batch.Inputs;
        var b = inputs.shape[0];
        var images = inputs.reshape([b, .. _image]);
        var rotated = torch.cat(Enumerable.Range(0, Rotations).Select(r => images.rot90(r, (2, 3))).ToArray(), 0);
        var outputs = step.Run.Branch.Forward(rotated.reshape([Rotations * b, .. _sampleShape]), new HashSet<string> { options.Layer });
        var logits = head.call(outputs[options.Layer].reshape(Rotations * b, -1));
        var targets = torch.arange(Rotations, torch.int64).repeat_interleave(b);
        return torch.nn.functional.cross_entropy(logits, targets);
    }

    public void Dispose() => _head?.Dispose();
}
