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

    private static readonly Dictionary<string, Func<Module<torch.Tensor, torch.Tensor>>> Plain = new()
    {
        ["relu"] = () => ReLU(),
        ["leaky-relu"] = () => LeakyReLU(0.2),
        ["elu"] = () => ELU(),
        ["tanh"] = () => Tanh(),
        ["sigmoid"] = () => Sigmoid(),
    };

    /// <summary>An options problem, as (option, message), when <paramref name="name"/> is not an activation we know.</summary>
    public static IEnumerable<(string Option, string Message)> Check(string name) =>
        Resolve(name).Problem is { } problem ? [("activation", problem)] : [];

    public static Module<torch.Tensor, torch.Tensor> Create(string name)
    {
        var (factory, problem) = Resolve(name);
        return factory?.Invoke() ?? throw new ArgumentException($"unknown activation '{name}': {problem}");
    }

    /// <summary>The module's factory, or what is wrong with the name.</summary>
    private static (Func<Module<torch.Tensor, torch.Tensor>>? Factory, string? Problem) Resolve(string name)
    {
        if (Plain.TryGetValue(name, out var factory))
        {
            return (factory, null);
        }
        var match = LeakySlope().Match(name);
        if (!match.Success)
        {
            return (null, $"'{name}' is not one of: {string.Join(", ", Names)}");
        }
        var text = match.Groups[1].Value;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var slope) && slope is >= 0 and < 1
            ? (() => LeakyReLU(slope), null)
            : (null, $"'{name}': the slope '{text}' must be a number in [0, 1)");
    }

    [GeneratedRegex(@"^leaky-relu\((.*)\)$")]
    private static partial Regex LeakySlope();
}
