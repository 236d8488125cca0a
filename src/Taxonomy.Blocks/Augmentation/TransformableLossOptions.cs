using System.ComponentModel;
using System.Text.Json.Serialization;
using Taxonomy.Abstractions.Registration;

namespace Taxonomy.Blocks.Augmentation;

/// <summary>Options of a loss that can see randomly transformed images T(x) instead of x (DEC-DA, Guo et al. 2018; DAC).</summary>
public abstract class TransformableLossOptions : LossOptions
{
    [Description("Data augmentation (DEC-DA, DAC): the loss sees randomly transformed images T(x) instead of x (see the block's summary); options rotation (degrees), shift and zoom (fractions), noise (std), imageShape for flat samples. Absent: the clean inputs.")]
    // Left out of the options' JSON when absent, so the pre-training cache keys made before it existed hold.
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ImageTransformOptions? Transform { get; set; }

    public override IEnumerable<(string Option, string Message)> Validate() =>
        Transform is null ? [] : NestedOptions.Check(Transform, "transform", "transform");

    /// <summary>The transform to apply, or null for the clean inputs.</summary>
    internal ImageTransform? CreateTransform() => Transform is null ? null : new ImageTransform(Transform);
}
