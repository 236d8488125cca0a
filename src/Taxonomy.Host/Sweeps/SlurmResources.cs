using System.Text.Json.Nodes;
using Taxonomy.Host.Manifest;

namespace Taxonomy.Host.Sweeps;

/// <summary>What each array task asks Slurm for (the grid's "slurm" section); unset fields are left to the cluster's defaults.</summary>
public sealed record SlurmResources
{
    private static readonly string[] s_fields = ["cpusPerTask", "mem", "time", "partition", "gpus"];

    /// <summary>--cpus-per-task; also each run's threads. Default 1.</summary>
    public int CpusPerTask { get; init; } = 1;
    /// <summary>--mem, e.g. "2G".</summary>
    public string? Mem { get; init; }
    /// <summary>--time, e.g. "00:30:00".</summary>
    public string? Time { get; init; }
    public string? Partition { get; init; }
    /// <summary>--gpus; written only when given.</summary>
    public int? Gpus { get; init; }

    internal static SlurmResources Parse(JsonNode? node, GridFields read)
    {
        if (node is null)
        {
            return new SlurmResources();
        }
        if (node is not JsonObject section)
        {
            throw new ManifestException($"{read}: slurm: expected an object with {string.Join(", ", s_fields)}.");
        }
        read.AllowOnly(s_fields, "slurm.", section);
        var resources = new SlurmResources
        {
            CpusPerTask = read.OptionalInt("cpusPerTask", section, "slurm.") ?? 1,
            Mem = read.OptionalString("mem", section, "slurm."),
            Time = read.OptionalString("time", section, "slurm."),
            Partition = read.OptionalString("partition", section, "slurm."),
            Gpus = read.OptionalInt("gpus", section, "slurm."),
        };
        return resources.CpusPerTask >= 1 && resources.Gpus is null or >= 1 ? resources
            : throw new ManifestException($"{read}: slurm: cpusPerTask and gpus must be at least 1.");
    }
}
