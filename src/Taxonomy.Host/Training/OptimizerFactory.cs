using TorchSharp;
using TorchSharp.Modules;
using Taxonomy.Host.Manifest;

namespace Taxonomy.Host.Training;

internal static class OptimizerFactory
{
    /// <summary>
    /// Adam with PyTorch's β2 and eps (TorchSharp's default β2 differs) and the manifest's β1, SGD with optional
    /// (Nesterov) momentum, or RMSprop with the manifest's ρ and eps 1e-8 (as PyTorch's and Keras's).
    /// </summary>
    public static torch.optim.Optimizer Create(EffectiveOptimizer o, IEnumerable<Parameter> parameters) => o.Type switch
    {
        OptimizerKind.Sgd => torch.optim.SGD(parameters, o.LearningRate, momentum: o.Momentum,
            weight_decay: o.WeightDecay, nesterov: o.Nesterov),
        OptimizerKind.Rmsprop => torch.optim.RMSProp(parameters, o.LearningRate, alpha: o.Rho, eps: 1e-8,
            weight_decay: o.WeightDecay),
        _ => torch.optim.Adam(parameters, o.LearningRate, beta1: o.Beta1, beta2: 0.999, eps: 1e-8,
            weight_decay: o.WeightDecay),
    };
}
