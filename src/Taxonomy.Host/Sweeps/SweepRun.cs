using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Taxonomy.Host.Manifest;

namespace Taxonomy.Host.Sweeps;

/// <summary>
/// One run of a sweep: a manifest, its data, seed and crossed values. Its <see cref="Id"/> is a short readable name and
/// a hash of the full spec (the manifest's content, every assignment, the epoch cap), so it is the same on every
/// machine and changes when anything that shapes the result changes.
/// </summary>
public sealed record SweepRun
{
    public required string Id { get; init; }
    public required string Manifest { get; init; }
    public string? Data { get; init; }
    /// <summary>The seed the run is given; null: the manifest's own (Table 1's rows).</summary>
    public int? Seed { get; init; }
    /// <summary>The crossed `--set` values of this run, field → JSON text.</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Values { get; init; }
    /// <summary>Every assignment the run gets: the grid's fixed ones, data, seed and the crossed values.</summary>
    public required IReadOnlyList<string> Assignments { get; init; }
    public int? Epochs { get; init; }
    /// <summary>Plugin folders the run loads; where they are is no part of the spec, so not of the id.</summary>
    public IReadOnlyList<string> Plugins { get; init; } = [];

    /// <summary>The runs of a grid, crossed in its order: manifests, data, axes (first slowest), seeds fastest.</summary>
    public static IReadOnlyList<SweepRun> Expand(Grid grid)
    {
        var runs = new List<SweepRun>();
        var data = grid.Data.Count > 0 ? grid.Data.Select(d => (string?)d).ToList() : [null];
        foreach (var manifest in grid.Manifests)
        {
            var content = Content(manifest);
            foreach (var source in data)
            {
                foreach (var values in Cross(grid.Axes))
                {
                    foreach (var seed in grid.Seeds.Count > 0 ? grid.Seeds.Select(s => (int?)s) : [null])
                    {
                        var assignments = grid.Fixed
                            .Concat(source is null ? [] : [$"data.source={JsonValue.Create(source).ToJsonString()}"])
                            .Concat(seed is null ? [] : [$"seed={seed}"])
                            .Concat(values.Select(v => $"{v.Key}={v.Value}"))
                            .ToList();
                        runs.Add(new SweepRun
                        {
                            Id = Readable(manifest, source, seed, values) + "-" + Hash(content, assignments, grid.Epochs),
                            Manifest = manifest, Data = source, Seed = seed, Values = values, Assignments = assignments, Epochs = grid.Epochs, Plugins = grid.Plugins,
                        });
                    }
                }
            }
        }
        var repeated = runs.GroupBy(r => r.Id).FirstOrDefault(g => g.Count() > 1);
        return repeated is null ? runs
            : throw new ManifestException($"{grid.File}: run {repeated.Key} appears {repeated.Count()} times; an axis repeats a value.");
    }

    /// <summary>The manifest as parsed JSON (comments and layout do not change an id), or its text when it does not parse (its check reports why).</summary>
    private static string Content(string manifest)
    {
        try
        {
            return ManifestDocument.Load(manifest).Root.ToJsonString();
        }
        catch (ManifestException)
        {
            return File.ReadAllText(manifest);
        }
    }

    private static IEnumerable<IReadOnlyList<KeyValuePair<string, string>>> Cross(IReadOnlyList<(string Field, IReadOnlyList<string> Values)> axes)
    {
        IEnumerable<IReadOnlyList<KeyValuePair<string, string>>> combinations = [[]];
        foreach (var (field, values) in axes)
        {
            combinations = combinations.SelectMany(c => values.Select(v => (IReadOnlyList<KeyValuePair<string, string>>)[.. c, new(field, v)])).ToList();
        }
        return combinations;
    }

    private static string Readable(string manifest, string? data, int? seed, IReadOnlyList<KeyValuePair<string, string>> values)
    {
        var parts = new List<string> { Path.GetFileNameWithoutExtension(manifest) };
        if (data is not null)
        {
            parts.Add(Path.GetFileNameWithoutExtension(data.TrimEnd('/', '\\')));
        }
        parts.AddRange(values.Select(v => v.Key.Split('.')[^1] + v.Value));
        if (seed is not null)
        {
            parts.Add($"s{seed}");
        }
        var slug = Slug(string.Join("-", parts));
        return slug.Length <= 48 ? slug : slug[..48].TrimEnd('-');
    }

    internal static string Slug(string text)
    {
        var slug = new StringBuilder();
        foreach (var c in text.ToLowerInvariant())
        {
            var keep = char.IsAsciiLetterOrDigit(c) || c == '.' ? c : '-';
            if (keep != '-' || slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append(keep);
            }
        }
        return slug.ToString().Trim('-');
    }

    private static string Hash(string manifest, IReadOnlyList<string> assignments, int? epochs)
    {
        var spec = string.Join("\n", new[] { manifest, $"epochs={epochs}" }.Concat(assignments));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(spec)))[..8];
    }
}
