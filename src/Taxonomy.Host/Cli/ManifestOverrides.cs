using System.CommandLine;

namespace Taxonomy.Host.Cli;

/// <summary>The command-line options that override manifest fields, turned into `--set` assignments.</summary>
internal sealed class ManifestOverrides
{
    private readonly Option<string?> _data = new("--data")
    {
        Description = "Data set: digits, synthetic, blobs, fashion-mnist, a CSV file (last column the label) or a folder of IDX files.",
    };

    private readonly Option<int?> _clusters = new("--clusters") { Description = "Number of clusters (default: the manifest's, else the number of labels)." };

    private readonly Option<int?> _seed = new("--seed") { Description = "Seed of every random choice." };

    private readonly Option<string[]> _set = new("--set")
    {
        Description = "Override a manifest field: --set clusteringLoss.alpha=1 (repeatable; lists replace the whole list).",
        AllowMultipleArgumentsPerToken = false,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(_data);
        command.Options.Add(_clusters);
        command.Options.Add(_seed);
        command.Options.Add(_set);
    }

    public IEnumerable<string> From(ParseResult parse)
    {
        foreach (var assignment in parse.GetValue(_set) ?? [])
        {
            yield return assignment;
        }
        if (parse.GetValue(_data) is { } data)
        {
            yield return $"data.source=\"{data.Replace("\\", "\\\\").Replace("\"", "\\\"")}\"";
        }
        if (parse.GetValue(_clusters) is { } clusters)
        {
            yield return $"clusters={clusters}";
        }
        if (parse.GetValue(_seed) is { } seed)
        {
            yield return $"seed={seed}";
        }
    }
}
