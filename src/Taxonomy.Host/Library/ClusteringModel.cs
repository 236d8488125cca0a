using TorchSharp;
using Taxonomy.Abstractions.Data;
using Taxonomy.Abstractions.Results;
using Taxonomy.Host.Models;
using Taxonomy.Host.Plugins;
using Taxonomy.Host.Running;

namespace Taxonomy;

/// <summary>
/// A trained clustering method: assign new data (<see cref="Predict"/>), get soft assignments where the method has
/// them, embed data for other tools, save it and load it back. Made by <see cref="ClusteringMethod.Fit"/> or
/// <see cref="Load"/>; dispose it to free its native memory.
/// </summary>
public sealed class ClusteringModel : IDisposable
{
    private readonly TrainedModel _model;
    private readonly IDisposable? _host;

    internal ClusteringModel(TrainedModel model, RunResult? training, IDisposable? host)
    {
        _model = model;
        Training = training;
        _host = host;
    }

    /// <summary>The method's name, as its manifest gives it.</summary>
    public string Method => _model.Method.Name;

    /// <summary>The number of clusters the model assigns to.</summary>
    public int Clusters => _model.Clusters;

    /// <summary>The report of the training (metrics, timings, the training data's clustering); null for a loaded model.</summary>
    public RunResult? Training { get; }

    /// <summary>The clustering result of <paramref name="data"/>: its kind (partition, hierarchy, several partitions) and all it holds.</summary>
    public ClusteringResult PredictResult(Dataset data) => _model.Predict(data);

    /// <summary>The cluster (0 to <see cref="Clusters"/> − 1) of every sample of <paramref name="data"/>.</summary>
    public int[] Predict(Dataset data) => PredictResult(data).Primary.Labels;

    /// <summary>Soft assignments [samples, clusters], or null for a method without them (e.g. DCN, k-means).</summary>
    public float[,]? PredictProbabilities(Dataset data)
    {
        var primary = PredictResult(data).Primary;
        if (primary.Probabilities is not { } flat)
        {
            return null;
        }
        var result = new float[primary.Labels.Length, primary.Clusters];
        Buffer.BlockCopy(flat, 0, result, 0, flat.Length * sizeof(float));
        return result;
    }

    /// <summary>The clustering features of every sample [samples, d], or a named branch output (flattened per sample).</summary>
    public float[,] Embed(Dataset data, string? layer = null)
    {
        using var features = _model.Embed(data, layer);
        using var values = features.to(torch.float32).contiguous();
        var result = new float[values.shape[0], values.shape[1]];
        var flat = values.data<float>().ToArray();
        Buffer.BlockCopy(flat, 0, result, 0, flat.Length * sizeof(float));
        return result;
    }

    /// <summary>Writes the model into <paramref name="directory"/> (the layout a run's model/ folder has).</summary>
    public void Save(string directory) => ModelBundle.Save(_model, directory);

    /// <summary>Loads a model a run or <see cref="Save"/> wrote; <paramref name="pluginFolders"/> hold the plugin blocks it needs.</summary>
    public static ClusteringModel Load(string path, params string[] pluginFolders) =>
        new(ModelBundle.Load(path, pluginFolders.Select(folder => new PluginFolder(folder, "Load"))), null, null);

    public void Dispose()
    {
        _model.Dispose();
        _host?.Dispose();
    }
}
