using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Taxonomy.Host.Plugins;

namespace Taxonomy.Host.Manifest;

/// <summary>
/// The manifest's JSON tree, with "extends" merged and overrides applied (<see cref="Apply"/>); the loader binds from
/// this same tree. Parsing refuses a field written twice.
/// </summary>
public sealed class ManifestDocument
{
    private static readonly JsonDocumentOptions s_options = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    private ManifestDocument(string path, JsonObject root)
    {
        Path = path;
        Root = root;
    }

    /// <summary>The manifest file, as given (for messages).</summary>
    public string Path { get; }

    public JsonObject Root { get; }

    public string? Directory => System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path));

    public static ManifestDocument Load(string path) => Load(path, []);

    /// <param name="extending">The manifests on the current "extends" chain, to report a cycle instead of recursing.</param>
    private static ManifestDocument Load(string path, IReadOnlyList<string> extending)
    {
        if (!File.Exists(path))
        {
            throw new ManifestException($"{path}: manifest file not found.");
        }
        var document = Parse(File.ReadAllText(path), path);
        return document.ExtendsKey() is { } key ? document.Extend(key, extending) : document;
    }

    private string? ExtendsKey() => ExistingKey(Root, "extends");

    /// <summary>
    /// "extends": "base.json" (relative to this manifest): this manifest is the base with these fields on top. Sections
    /// merge field by field, except a block section with a different "type", which replaces the base's section whole
    /// (the base's options belong to the base's block), and a null value removes the base's field. The base's plugin
    /// folders stay relative to the base.
    /// </summary>
    private ManifestDocument Extend(string key, IReadOnlyList<string> extending)
    {
        if (Root[key] is not JsonValue value || !value.TryGetValue(out string? basePath) || basePath.Trim().Length == 0)
        {
            throw new ManifestException($"{Path}: {key}: expected the path of a base manifest, relative to this one, e.g. \"../dec.json\".");
        }
        var full = System.IO.Path.GetFullPath(basePath, Directory ?? Environment.CurrentDirectory);
        var chain = extending.Append(System.IO.Path.GetFullPath(Path)).ToList();
        if (chain.Contains(full))
        {
            throw new ManifestException($"{Path}: {key}: '{basePath}' extends this manifest again (a cycle: {string.Join(" -> ", chain.Append(full))}).");
        }
        if (!File.Exists(full))
        {
            throw new ManifestException($"{Path}: {key}: base manifest '{full}' not found.");
        }
        var baseDocument = Load(full, chain);
        var merged = (JsonObject)baseDocument.Root.DeepClone();
        if (ExistingKey(merged, "plugins") is { } plugins)
        {
            merged[plugins] = new JsonArray(baseDocument.PluginFolders().Select(f => (JsonNode)JsonValue.Create(f.Path)).ToArray());
        }
        Root.Remove(key);
        Merge(merged, Root);
        return new ManifestDocument(Path, merged);
    }

    private static void Merge(JsonObject target, JsonObject overlay)
    {
        foreach (var (name, node) in overlay.ToList())
        {
            var key = ExistingKey(target, name) ?? name;
            if (target[key] is JsonObject existing && node is JsonObject section && SameBlock(existing, section))
            {
                Merge(existing, section);
            }
            else
            {
                target[key] = node?.DeepClone();
            }
        }
    }

    private static bool SameBlock(JsonObject existing, JsonObject overlay) =>
        ExistingKey(overlay, "type") is not { } key || ExistingKey(existing, "type") is not { } baseKey
        || string.Equals(existing[baseKey]?.ToString(), overlay[key]?.ToString(), StringComparison.Ordinal);

    public static ManifestDocument Parse(string json, string path)
    {
        if (json.Trim().Length == 0)
        {
            throw new ManifestException($"{path}: the file is empty; a manifest is a JSON object {{ ... }}.");
        }
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json, documentOptions: s_options);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" at line {line + 1}, position {e.BytePositionInLine + 1}" : "";
            throw new ManifestException($"{path}: invalid JSON{where}: {FirstSentence(e.Message)}", e);
        }
        // Before the tree is read: it builds its objects lazily and would fail on the repeat itself.
        if (FindDuplicate(json) is { } duplicate)
        {
            throw new ManifestException($"{path}: line {duplicate.Line}: duplicate field '{duplicate.Path}' " +
                $"(also at line {duplicate.FirstLine}; field names are case-insensitive).");
        }
        return node is JsonObject root
            ? new ManifestDocument(path, root)
            : throw new ManifestException($"{path}: a manifest must be a JSON object {{ ... }}.");
    }

    private static DuplicateFields.Duplicate? FindDuplicate(string json) =>
        DuplicateFields.Find(Encoding.UTF8.GetBytes(json),
            new JsonReaderOptions { CommentHandling = s_options.CommentHandling, AllowTrailingCommas = s_options.AllowTrailingCommas });

    /// <summary>Applies the overrides in order (see <see cref="FieldAssignment"/>): the one place they change a manifest.</summary>
    internal void Apply(IEnumerable<FieldAssignment> overrides)
    {
        foreach (var assignment in overrides)
        {
            assignment.ApplyTo(Root);
        }
    }

    /// <summary>
    /// The "plugins" field: folders of plugin assemblies, relative to the manifest. It is read before the manifest is
    /// bound, because the blocks the manifest names may come from those plugins.
    /// </summary>
    public IReadOnlyList<PluginFolder> PluginFolders()
    {
        var key = ExistingKey(Root, "plugins");
        if (key is null || Root[key] is null)
        {
            return [];
        }
        if (Root[key] is not JsonArray folders || folders.Any(f => f is not JsonValue v || !v.TryGetValue(out string? s) || s.Trim().Length == 0))
        {
            throw new ManifestException($"{Path}: {key}: expected a list of folders relative to the manifest, e.g. [\"plugins/my-blocks\"].");
        }
        var baseDirectory = Directory ?? Environment.CurrentDirectory;
        return folders.Select((f, i) => new PluginFolder(
            System.IO.Path.GetFullPath(f!.GetValue<string>(), baseDirectory), $"{Path}: {key}[{i}]")).ToList();
    }

    /// <summary>Manifest fields are case-insensitive; keep the manifest's own spelling when overriding.</summary>
    internal static string? ExistingKey(JsonObject obj, string key) =>
        obj.Select(p => p.Key).FirstOrDefault(k => k.Equals(key, StringComparison.OrdinalIgnoreCase));

    /// <summary>The parser's message without its trailing position ("Path: ...", "LineNumber: ..."), which the line and position say already.</summary>
    private static string FirstSentence(string message)
    {
        var cuts = new[] { " Path:", " LineNumber:" }.Select(m => message.IndexOf(m, StringComparison.Ordinal)).Where(i => i > 0);
        return cuts.Any() ? message[..cuts.Min()] : message;
    }
}
