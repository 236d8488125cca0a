using System.Globalization;
using System.Text.RegularExpressions;
using TorchSharp;
using static TorchSharp.torch.nn;

namespace Taxonomy.Blocks.Branches;

/// <summary>
/// The hidden-layer activations a manifest may name. "leaky-relu" keeps the GAN discriminators' negative slope 0.2;
/// "leaky-relu(s)" names another slope, e.g. leaky-relu(0.01), PyTorch's default and ClustPy's autoencoders'.
/// </summary>
public static partial class Activations
{
    private static readonly IReadOnlyList<string> Names = ["relu", "leaky-relu", "leaky-relu(s)", "elu", "tanh", "sigmoid"];

    /// <summary>How the activation options describe themselves in <c>taxonomy list</c>.</summary>
    public const string Help = "relu, leaky-relu (negative slope 0.2), leaky-relu(s) with slope s in [0, 1), e.g. " +
                               "leaky-relu(0.01) as PyTorch's default, elu, tanh or sigmoid";

    private const double DefaultLeakySlope = 0.2;

    /// <summary>An options problem, as (option, message), when <paramref name="name"/> is not an activation we know.</summary>
    public static IEnumerable<(string Option, string Message)> Check(string name)
    {
        if (TryParse(name, out _, out _))
        {
            return [];
        }
        return LeakySlopeText(name) is { } slope
            ? [("activation", $"'{name}': the slope '{slope}' must be a number in [0, 1)")]
            : [("activation", $"'{name}' is not one of: {string.Join(", ", Names)}")];
    }

    public static Module<torch.Tensor, torch.Tensor> Create(string name)
    {
        if (!TryParse(name, out var kind, out var slope))
        {
            throw new ArgumentException($"unknown activation '{name}'; valid: {string.Join(", ", Names)}");
        }
        return kind switch
        {
            "relu" => ReLU(),
            "leaky-relu" => LeakyReLU(slope),
            "elu" => ELU(),
            "tanh" => Tanh(),
            _ => Sigmoid(),
        };
    }

    private static bool TryParse(string name, out string kind, out double leakySlope)
    {
        kind = name;
        leakySlope = DefaultLeakySlope;
        if (name is "relu" or "leaky-relu" or "elu" or "tanh" or "sigmoid")
        {
            return true;
        }
        kind = "leaky-relu";
        return LeakySlopeText(name) is { } text
               && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out leakySlope)
               && leakySlope is >= 0 and < 1;
    }

    private static string? LeakySlopeText(string name) => LeakySlope().Match(name) is { Success: true } match ? match.Groups[1].Value : null;

    [GeneratedRegex(@"^leaky-relu\((.*)\)$")]
    private static partial Regex LeakySlope();
}
