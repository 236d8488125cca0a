using TorchSharp;

namespace Taxonomy.Abstractions.Training;

/// <summary>A mini-batch: its inputs and, for state kept per sample, their indices into the data set.</summary>
public sealed record Batch(torch.Tensor Inputs, torch.Tensor Indices)
{
    public long Size => Inputs.shape[0];
}

/// <summary>
/// What the losses and per-batch updater hooks see of one training step. The clustering features are
/// selected on first use, so phases that do not cluster never compute them.
/// </summary>
public sealed class StepInput(Batch batch, BranchOutput outputs, IRunContext run)
{
    private torch.Tensor? _features;

    public Batch Batch { get; } = batch;

    public BranchOutput Outputs { get; } = outputs;

    public IRunContext Run { get; } = run;

    /// <summary>The clustering features of the batch, [batch, d], from the run's feature selector.</summary>
    public torch.Tensor Features => _features ??= Run.FeatureSelector.Select(Outputs);
}
