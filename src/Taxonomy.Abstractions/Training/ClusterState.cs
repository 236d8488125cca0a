using TorchSharp;
using TorchSharp.Modules;

namespace Taxonomy.Abstractions.Training;

/// <summary>
/// What the clustering knows between steps: centroids, hard assignments of every sample, the target
/// distribution, pair thresholds, and named extras for plugin blocks. It owns its tensors: setting a value
/// takes the tensor out of any dispose scope and disposes the previous one.
/// </summary>
public sealed class ClusterState(int clusters) : IDisposable
{
    private torch.Tensor? _centroids;
    private torch.Tensor? _target;
    private torch.Tensor? _logVariances;
    private torch.Tensor? _logWeights;

    public int Clusters { get; } = clusters;

    /// <summary>Centroids [k, d] in feature space; a <see cref="Parameter"/> when trained jointly.</summary>
    public torch.Tensor? Centroids => _centroids;

    /// <summary>The trainable centroids, when an updater chose joint updates; the trainer optimises them.</summary>
    public Parameter? TrainableCentroids => _centroids as Parameter;

    /// <summary>
    /// Log-variances [k, d] of a diagonal Gaussian mixture over the features whose means are the <see cref="Centroids"/>
    /// (VaDE's prior p(z|c)), or null. Set with <see cref="SetMixture"/>.
    /// </summary>
    public torch.Tensor? MixtureLogVariances => _logVariances;

    /// <summary>Unnormalised log-weights [k] of that mixture: π = softmax(log-weights), or null.</summary>
    public torch.Tensor? MixtureLogWeights => _logWeights;

    /// <summary>Every part of the state the optimiser moves: trainable centroids and mixture parameters.</summary>
    public IEnumerable<Parameter> TrainableParameters =>
        new[] { _centroids, _logVariances, _logWeights }.OfType<Parameter>();

    /// <summary>Hard assignment of every sample of the data set (index = sample), or null.</summary>
    public int[]? HardAssignments { get; set; }

    /// <summary>Target distribution P over the whole data set, [n, k] (DEC-style), or null.</summary>
    public torch.Tensor? TargetDistribution
    {
        get => _target;
        set => Replace(ref _target, value);
    }

    /// <summary>Upper and lower similarity thresholds for pairwise losses (DAC), or null.</summary>
    public (double Upper, double Lower)? PairThresholds { get; set; }

    /// <summary>State a plugin's loss and updater share, by a name they agree on.</summary>
    public Dictionary<string, object> Items { get; } = new(StringComparer.Ordinal);

    /// <summary>Sets the centroids (copied); trainable ones become a parameter that the optimiser moves.</summary>
    public void SetCentroids(torch.Tensor centroids, bool trainable) => Replace(ref _centroids, Copy(centroids, trainable));

    /// <summary>
    /// Sets a diagonal Gaussian mixture (copied): means [k, d] become the centroids, with log-variances [k, d] and
    /// log-weights [k]; trainable ones become parameters the optimiser moves (VaDE trains the prior by gradient).
    /// </summary>
    public void SetMixture(torch.Tensor means, torch.Tensor logVariances, torch.Tensor logWeights, bool trainable)
    {
        if (logVariances.shape.Length != 2 || !logVariances.shape.SequenceEqual(means.shape) ||
            logWeights.shape.Length != 1 || logWeights.shape[0] != means.shape[0])
        {
            throw new ArgumentException(
                $"a mixture needs means [k, d], log-variances [k, d] and log-weights [k]; got [{string.Join(", ", means.shape)}], " +
                $"[{string.Join(", ", logVariances.shape)}] and [{string.Join(", ", logWeights.shape)}]");
        }
        SetCentroids(means, trainable);
        Replace(ref _logVariances, Copy(logVariances, trainable));
        Replace(ref _logWeights, Copy(logWeights, trainable));
    }

    private static torch.Tensor Copy(torch.Tensor value, bool trainable)
    {
        var copy = value.detach().clone();
        return trainable ? new Parameter(copy, requires_grad: true) : copy;
    }

    private static void Replace(ref torch.Tensor? field, torch.Tensor? value)
    {
        if (ReferenceEquals(field, value))
        {
            return;
        }
        value?.DetachFromDisposeScope();
        field?.Dispose();
        field = value;
    }

    public void Dispose()
    {
        _centroids?.Dispose();
        _target?.Dispose();
        _logVariances?.Dispose();
        _logWeights?.Dispose();
        _centroids = null;
        _target = null;
        _logVariances = null;
        _logWeights = null;
    }
}
