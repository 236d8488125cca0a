using System.Text.Json;
using System.Text.Json.Nodes;
using Taxonomy.Host.Manifest;

namespace Taxonomy.Host.Sweeps;

/// <summary>
/// An experiment grid (grid.json): manifests (or a Table 1 folder of row manifests) × data sets × seeds × the values of
/// each `--set` axis, crossed into runs; plus assignments every run gets, an epoch cap and the Slurm resources.
/// Read strictly: an unknown field, an empty axis or a value of the wrong kind is one error naming the field.
/// </summary>
public sealed record Grid
{
    private static readonly string[] s_fields = ["$schema", "name", "manifests", "table1", "data", "seeds", "set", "fixed", "epochs", "plugins", "slurm"];

    public required string File { get; init; }
    public required string Name { get; init; }
    /// <summary>The manifests' full paths, in the grid's order.</summary>
    public required IReadOnlyList<string> Manifests { get; init; }
    /// <summary>True when the manifests are the rows of a Table 1 folder (the table then shows their block columns).</summary>
    public bool IsTable1 { get; init; }
    /// <summary>data.source values to cross; empty: each manifest's own data.</summary>
    public IReadOnlyList<string> Data { get; init; } = [];
    /// <summary>Seeds to cross; empty (only for Table 1 from `taxonomy table1`): each manifest's own seed.</summary>
    public IReadOnlyList<int> Seeds { get; init; } = [];
    /// <summary>Each `--set` axis: the field and its values as JSON text, in the grid's order.</summary>
    public IReadOnlyList<(string Field, IReadOnlyList<string> Values)> Axes { get; init; } = [];
    /// <summary>Assignments every run gets, before the crossed ones.</summary>
    public IReadOnlyList<string> Fixed { get; init; } = [];
    /// <summary>Caps every phase at this many epochs (`taxonomy run --epochs`).</summary>
    public int? Epochs { get; init; }
    /// <summary>Plugin folders every run loads (`taxonomy run --plugins`), full paths.</summary>
    public IReadOnlyList<string> Plugins { get; init; } = [];
    public SlurmResources Slurm { get; init; } = new();

    public static Grid Load(string path)
    {
        if (!System.IO.File.Exists(path))
        {
            throw new ManifestException($"{path}: grid file not found.");
        }
        JsonObject root;
        try
        {
            root = JsonNode.Parse(System.IO.File.ReadAllText(path), documentOptions: new JsonDocumentOptions
            {
                CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true,
            }) as JsonObject ?? throw new ManifestException($"{path}: a grid is a JSON object.");
        }
        catch (JsonException e)
        {
            throw new ManifestException($"{path}: not valid JSON: {e.Message}", e);
        }
        return Parse(root, path);
    }

    public static Grid Parse(JsonObject root, string path)
    {
        var read = new GridFields(root, path);
        read.AllowOnly(s_fields, "");
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        var hasManifests = root.ContainsKey("manifests");
        var table1 = read.OptionalString("table1");
        if (hasManifests == (table1 is not null))
        {
            throw new ManifestException($"{path}: give either 'manifests' (a list of manifest files) or 'table1' (a folder of row manifests).");
        }
        IReadOnlyList<string> manifests = table1 is not null
            ? Table1Rows(path, System.IO.Path.GetFullPath(table1, folder))
            : read.Strings("manifests").Select(m => ExistingFile(path, "manifests", System.IO.Path.GetFullPath(m, folder))).ToList();
        var axes = new List<(string, IReadOnlyList<string>)>();
        if (root["set"] is { } set)
        {
            if (set is not JsonObject fields || fields.Count == 0)
            {
                throw new ManifestException($"{path}: set: expected an object of field: [values], e.g. {{\"optimizer.learningRate\": [0.001, 0.01]}}.");
            }
            axes.AddRange(fields.Select(f => (f.Key, (IReadOnlyList<string>)read.List($"set.{f.Key}", f.Value).Select(v => v!.ToJsonString()).ToList())));
        }
        var epochs = read.OptionalInt("epochs");
        if (epochs is < 1)
        {
            throw new ManifestException($"{path}: epochs: must be at least 1, got {epochs}.");
        }
        return new Grid
        {
            File = System.IO.Path.GetFullPath(path),
            Name = read.OptionalString("name") ?? System.IO.Path.GetFileNameWithoutExtension(path),
            Manifests = manifests,
            IsTable1 = table1 is not null,
            Data = root.ContainsKey("data") ? read.Strings("data") : [],
            Seeds = read.List("seeds", root["seeds"]).Select((s, i) => read.Int($"seeds.{i}", s)).ToList(),
            Axes = axes,
            Fixed = root.ContainsKey("fixed") ? read.Strings("fixed") : [],
            Epochs = epochs,
            Plugins = root.ContainsKey("plugins") ? read.Strings("plugins").Select(p => System.IO.Path.GetFullPath(p, folder)).ToList() : [],
            Slurm = SlurmResources.Parse(root["slurm"], read),
        };
    }

    private static IReadOnlyList<string> Table1Rows(string grid, string folder) => Directory.Exists(folder)
        ? Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal).ToList() is { Count: > 0 } rows
            ? rows
            : throw new ManifestException($"{grid}: table1: no manifest in '{folder}'.")
        : throw new ManifestException($"{grid}: table1: folder '{folder}' not found.");

    private static string ExistingFile(string grid, string field, string file) =>
        System.IO.File.Exists(file) ? file : throw new ManifestException($"{grid}: {field}: manifest '{file}' not found.");
}

/// <summary>Typed reads of a grid's fields; each failure names the file and the field.</summary>
internal sealed class GridFields(JsonObject root, string path)
{
    public override string ToString() => path;

    public void AllowOnly(IReadOnlyCollection<string> known, string prefix, JsonObject? section = null)
    {
        foreach (var (key, _) in section ?? root)
        {
            if (!known.Contains(key))
            {
                throw new ManifestException($"{path}: {prefix}{key}: unknown field; the fields are {string.Join(", ", known.Where(k => k != "$schema"))}.");
            }
        }
    }

    public JsonArray List(string field, JsonNode? node) => node switch
    {
        JsonArray { Count: > 0 } list => list,
        JsonArray => throw new ManifestException($"{path}: {field}: empty; an axis needs at least one value."),
        null => throw new ManifestException($"{path}: {field}: missing."),
        _ => throw new ManifestException($"{path}: {field}: expected a list, got {node.ToJsonString()}."),
    };

    public IReadOnlyList<string> Strings(string field) =>
        List(field, root[field]).Select((v, i) => String($"{field}.{i}", v)).ToList();

    public string? OptionalString(string field, JsonObject? section = null, string prefix = "") =>
        (section ?? root)[field] is { } node ? String(prefix + field, node) : null;

    public int? OptionalInt(string field, JsonObject? section = null, string prefix = "") =>
        (section ?? root)[field] is { } node ? Int(prefix + field, node) : null;

    public int Int(string field, JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<int>(out var number) ? number
            : throw new ManifestException($"{path}: {field}: expected a whole number, got {node?.ToJsonString() ?? "null"}.");

    private string String(string field, JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 ? text
            : throw new ManifestException($"{path}: {field}: expected a non-empty string, got {node?.ToJsonString() ?? "null"}.");
}
