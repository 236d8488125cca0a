using Taxonomy.Host.Models;

namespace Taxonomy.Host.Running;

/// <summary>A finished run: its report and the trained model, which this owns until disposed.</summary>
public sealed record FittedRun(RunResult Result, TrainedModel Model) : IDisposable
{
    public void Dispose() => Model.Dispose();
}
