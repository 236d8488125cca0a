using TorchSharp;
using TorchSharp.Modules;
using Taxonomy.Host.Manifest;

namespace Taxonomy.Host.Training;

internal static class OptimizerFactory
{
    /// <summary>Adam with PyTorch's betas (TorchSharp's default β2 differs), or SGD with optional (Nesterov) momentum.</summary>
    public static torch.optim.Optimizer Create(EffectiveOptimizer o, IEnumerable<Parameter> parameters) => o.Type switch
    {
        OptimizerKind.Sgd => torch.optim.SGD(parameters, o.LearningRate, momentum: o.Momentum,
            weight_decay: o.WeightDecay, nesterov: o.Nesterov),
        _ => torch.optim.Adam(parameters, o.LearningRate, beta1: 0.9, beta2: 0.999, eps: 1e-8,
            weight_decay: o.WeightDecay),
    };
}
