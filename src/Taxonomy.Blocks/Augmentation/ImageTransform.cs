using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using TorchSharp;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;

namespace Taxonomy.Blocks.Augmentation;

/// <summary>Options of the image transform: the largest rotation, shift and zoom, and the noise level.</summary>
public sealed class ImageTransformOptions : BlockOptions
{
    [Description("Largest rotation in degrees; each image turns by a uniform angle in [-rotation, rotation].")]
    [Range(0.0, 180.0)]
    public double Rotation { get; set; } = 10;

    [Description("Largest shift as a fraction of the image's width and height; each axis moves by a uniform amount in [-shift, shift].")]
    [Range(0.0, 0.5)]
    public double Shift { get; set; } = 0.1;

    [Description("Largest zoom as a fraction; each image is scaled by a uniform factor in [1 - zoom, 1 + zoom].")]
    [Range(0.0, 0.9)]
    public double Zoom { get; set; } = 0.1;

    [Description("Standard deviation of Gaussian noise added after the geometric transform (0 = none), in input units.")]
    [Range(0.0, 1e3)]
    public double Noise { get; set; }

    [Description("[channels, height, width] of flat samples (an MLP on images); absent: 4-D samples give their own shape, and flat ones must be square single-channel images.")]
    public List<long>? ImageShape { get; set; }

    public override IEnumerable<(string Option, string Message)> Validate()
    {
        if (ImageShape is not null && (ImageShape.Count != 3 || ImageShape.Any(d => d <= 0)))
        {
            yield return ("imageShape", "must be three positive sizes: [channels, height, width]");
        }
    }
}

/// <summary>
/// A random small affine transform of each image (rotation, shift, zoom; bilinear sampling, zeros outside the image),
/// then optional Gaussian noise: the image augmentations self-augmentation methods (IMSAT with transforms, DAC-style
/// training) use. Draws come from the run's generator, so a seed reproduces them. Flat samples are viewed as images
/// of <see cref="ImageTransformOptions.ImageShape"/> and returned flat.
/// </summary>
internal sealed class ImageTransform(ImageTransformOptions options) : IAugmentation
{
    public torch.Tensor Apply(StepInput step, torch.Tensor cleanLogits) => Apply(step);

    /// <summary>
    /// T(x) for the step's batch and the branch's <paramref name="layers"/> computed on it (in training mode). With
    /// <paramref name="keepStatistics"/>, the pass leaves the batch-norm running statistics alone: when the trainer's
    /// clean pass has updated them already, evaluation should see the clean images' statistics only.
    /// </summary>
    public (torch.Tensor Inputs, BranchOutput Outputs) Forward(StepInput step, IEnumerable<string> layers, bool keepStatistics = false)
    {
        var augmented = Apply(step);
        using var frozen = keepStatistics ? new FrozenBatchStatistics(step.Run.Branch.Module) : null;
        return (augmented, step.Run.Branch.Forward(augmented, new HashSet<string>(layers)));
    }

    /// <summary>
    /// The clustering features of T(x), for a clustering loss that works beside the trainer's clean pass (DEC-DA's
    /// cluster hardening, DAC): the batch-norm running statistics stay those of the clean images.
    /// </summary>
    public torch.Tensor Features(StepInput step)
    {
        var selector = step.Run.FeatureSelector;
        return selector.Select(Forward(step, selector.RequiredLayers, keepStatistics: true).Outputs);
    }

    /// <summary>T(x) for the step's batch: it does not depend on the network.</summary>
    public torch.Tensor Apply(StepInput step)
    {
        using var scope = torch.NewDisposeScope();
        var x = step.Batch.Inputs;
        var images = AsImages(x);
        var n = images.shape[0];
        var generator = step.Run.Random.Torch;
        torch.Tensor Uniform(double half) =>
            torch.rand(n, dtype: torch.float64, generator: generator).mul(2 * half).sub(half);
        var angles = Uniform(options.Rotation * Math.PI / 180);
        var scales = Uniform(options.Zoom).add(1);
        var shifts = torch.stack([Uniform(options.Shift), Uniform(options.Shift)], 1);
        var transformed = Transform(images, angles, scales, shifts);
        if (options.Noise > 0)
        {
            transformed = transformed + torch.randn(transformed.shape, transformed.dtype, generator: generator) * options.Noise;
        }
        return transformed.reshape(x.shape).detach().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Rotates each image by its angle (radians; positive turns it clockwise as displayed, rows running down), scales it
    /// by its factor about the centre and moves it by its shift (fractions of width and height; positive = right and
    /// down). Samples outside the image are 0.
    /// </summary>
    internal static torch.Tensor Transform(torch.Tensor images, torch.Tensor angles, torch.Tensor scales, torch.Tensor shifts)
    {
        using var scope = torch.NewDisposeScope();
        // affine_grid maps each output position to the input position it samples, in [-1, 1] coordinates: the
        // inverse of the transform, i.e. rotate back by the angle, shrink by the zoom and move back by the shift.
        var cos = angles.cos().div(scales);
        var sin = angles.sin().div(scales);
        var tx = shifts[.., 0].mul(-2);
        var ty = shifts[.., 1].mul(-2);
        var rotatedShiftX = cos * tx + sin * ty;
        var rotatedShiftY = -sin * tx + cos * ty;
        var theta = torch.stack([cos, sin, rotatedShiftX, -sin, cos, rotatedShiftY], 1).reshape(-1, 2, 3).to(images.dtype);
        var grid = torch.nn.functional.affine_grid(theta, images.shape, align_corners: false);
        return torch.nn.functional.grid_sample(images, grid, torch.GridSampleMode.Bilinear, torch.GridSamplePaddingMode.Zeros,
            align_corners: false).MoveToOuterDisposeScope();
    }

    private torch.Tensor AsImages(torch.Tensor x) => x.dim() == 4
        ? x
        : x.reshape([x.shape[0], .. ImageShape.Of(x.shape[1..], options.ImageShape, "self-augmentation (transform)", "transform.imageShape")]);
}
