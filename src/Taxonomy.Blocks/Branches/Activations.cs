using TorchSharp;
using static TorchSharp.torch.nn;

namespace Taxonomy.Blocks.Branches;

/// <summary>The hidden-layer activations a manifest may name.</summary>
public static class Activations
{
    public static readonly IReadOnlyList<string> Names = ["relu", "leaky-relu", "elu", "tanh", "sigmoid"];

    /// <summary>An options problem, as (option, message), when <paramref name="name"/> is not an activation we know.</summary>
    public static IEnumerable<(string Option, string Message)> Check(string name) =>
        Names.Contains(name) ? [] : [("activation", $"'{name}' is not one of: {string.Join(", ", Names)}")];

    public static Module<torch.Tensor, torch.Tensor> Create(string name) => name switch
    {
        "relu" => ReLU(),
        "leaky-relu" => LeakyReLU(0.2),
        "elu" => ELU(),
        "tanh" => Tanh(),
        "sigmoid" => Sigmoid(),
        _ => throw new ArgumentException($"unknown activation '{name}'; valid: {string.Join(", ", Names)}"),
    };
}
