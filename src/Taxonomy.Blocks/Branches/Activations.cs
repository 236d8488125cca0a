using TorchSharp;
using static TorchSharp.torch.nn;

namespace Taxonomy.Blocks.Branches;

/// <summary>The hidden-layer activations a manifest may name.</summary>
public static class Activations
{
    public static readonly IReadOnlyList<string> Names = ["relu", "leaky-relu", "elu", "tanh", "sigmoid"];

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
