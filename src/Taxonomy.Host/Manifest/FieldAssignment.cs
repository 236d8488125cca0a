using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Taxonomy.Abstractions.Registration;

namespace Taxonomy.Host.Manifest;

/// <summary>
/// One override of a manifest field, applied to the manifest's JSON: a --set FIELD=VALUE, or a typed command-line option
/// (--seed 5 is the field "seed" set to the number 5). FIELD is a dotted path whose parts name fields of objects
/// (case-insensitively) or elements of lists by their index: "branch.dims.1=4" sets the second element and keeps the
/// others; an index past the end is refused (lists change length only when set whole). VALUE is JSON when it parses
/// as JSON (numbers, true, [1,2], {...}), else a string. Setting the "type" of a block section to another block
/// starts that section afresh from the new block's defaults, as "extends" does: the old block's options would not
/// fit it. Later assignments then add options to it.
/// </summary>
internal sealed class FieldAssignment
{
    private const string TypeField = "type";

    private static readonly JsonSerializerOptions s_text = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Who asked for it, for messages: "--set 'seed=5'", "--seed 5".</summary>
    private readonly string _origin;
    private readonly string[] _path;
    private readonly JsonNode? _value;

    private FieldAssignment(string origin, string text, string[] path, JsonNode? value)
    {
        _origin = origin;
        Text = text;
        _path = path;
        _value = value;
    }

    /// <summary>FIELD=VALUE, as given or, for a typed option, as --set would write it: "seed=5", "data.source=\"x.csv\"".</summary>
    public string Text { get; }

    /// <summary>The field at the dotted <paramref name="path"/> set to <paramref name="value"/>, asked for by <paramref name="origin"/>.</summary>
    public static FieldAssignment Of(string path, JsonNode value, string origin) =>
        new(origin, $"{path}={value.ToJsonString(s_text)}", path.Split('.'), value);

    /// <summary>A --set FIELD=VALUE (see the class summary); the text is parsed here, once.</summary>
    public static FieldAssignment Parse(string text)
    {
        var eq = text.IndexOf('=');
        if (eq <= 0)
        {
            throw new ManifestException($"--set '{text}': expected FIELD=VALUE, e.g. clusteringLoss.alpha=1.");
        }
        var path = text[..eq].Trim().Split('.');
        if (path.Any(string.IsNullOrWhiteSpace))
        {
            throw new ManifestException($"--set '{text}': the field path has an empty part.");
        }
        return new FieldAssignment($"--set '{text}'", text, path, Shorthand(path, ParseValue(text, text[(eq + 1)..])));
    }

    public void ApplyTo(JsonObject root)
    {
        JsonNode container = root;
        for (var depth = 0; depth < _path.Length - 1; depth++)
        {
            container = Descend(container, depth);
        }
        Assign(container, _path.Length - 1);
    }

    /// <summary>A block set to a bare name is { "type": name } (a preprocessor in a list too); "data=NAME" sets data.source.</summary>
    private static JsonNode? Shorthand(string[] path, JsonNode? value)
    {
        if (value is not JsonValue v || !v.TryGetValue(out string? name))
        {
            return value;
        }
        if (path.Length == 1 && path[0].Equals("data", StringComparison.OrdinalIgnoreCase))
        {
            return new JsonObject { ["source"] = name };
        }
        return IsBlockSection(path, path.Length) ? new JsonObject { [TypeField] = name } : value;
    }

    /// <summary>The object or list at <c>_path[depth]</c> inside <paramref name="container"/>, created when absent.</summary>
    private JsonNode Descend(JsonNode container, int depth)
    {
        var (child, replace) = Locate(container, depth);
        switch (child)
        {
            case JsonObject or JsonArray:
                return child;
            case null when IsIndex(_path[depth + 1]):
                throw Error($"{Prefix(depth + 1)} is not set, so it has no element {_path[depth + 1]}; " +
                            $"set the whole list, e.g. {Prefix(depth + 1)}=[...]");
            case null:
                var created = new JsonObject();
                replace(created);
                return created;
            case JsonValue bare when IsBlockSection(_path, depth + 1) && bare.TryGetValue(out string? name):
                var expanded = new JsonObject { [TypeField] = name };   // "postClustering": "kmeans" gains options
                replace(expanded);
                return expanded;
            default:
                throw Error($"{Prefix(depth + 1)} is the value {child.ToJsonString()}, not a section with fields");
        }
    }

    private void Assign(JsonNode container, int depth)
    {
        if (container is JsonArray && _value is null)
        {
            throw Error($"a list element cannot be removed; set the whole list instead, e.g. {Prefix(depth)}=[...]");
        }
        var (current, replace) = Locate(container, depth);
        if (container is JsonObject section && ChangesBlockType(current, depth))
        {
            foreach (var option in section.Select(p => p.Key).Where(k => !k.Equals(TypeField, StringComparison.OrdinalIgnoreCase)).ToList())
            {
                section.Remove(option);
            }
        }
        replace(_value?.DeepClone());   // one assignment may apply to several manifests (table1), a node to one tree
    }

    private bool ChangesBlockType(JsonNode? current, int depth) =>
        _path[depth].Equals(TypeField, StringComparison.OrdinalIgnoreCase) && IsBlockSection(_path, depth)
        && current is JsonValue old && old.TryGetValue(out string? oldType)
        && _value is JsonValue v && v.TryGetValue(out string? newType)
        && !string.Equals(oldType, newType, StringComparison.Ordinal);

    /// <summary>The node at <c>_path[depth]</c> in <paramref name="container"/> (null when absent) and how to replace it.</summary>
    private (JsonNode? Node, Action<JsonNode?> Replace) Locate(JsonNode container, int depth)
    {
        if (container is JsonArray list)
        {
            var index = Index(list, depth);
            return (list[index], node => list[index] = node);
        }
        var obj = (JsonObject)container;
        var existing = ManifestDocument.ExistingKey(obj, _path[depth]);
        if (existing is null && depth > 0 && IsIndex(_path[depth]))
        {
            throw Error($"{Prefix(depth)} is a section, not a list, so it has no element {_path[depth]}");
        }
        var key = existing ?? _path[depth];
        return (obj[key], node => obj[key] = node);
    }

    private int Index(JsonArray list, int depth)
    {
        var part = _path[depth];
        var indices = list.Count == 0 ? "it is empty" : $"0 to {list.Count - 1}";
        if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            throw Error($"{Prefix(depth)} is a list, so '{part}' must be the index of an element ({indices})");
        }
        if (index >= list.Count)
        {
            throw Error($"index {index} is past the end of {Prefix(depth)} ({indices}); " +
                        $"set the whole list to change its length, e.g. {Prefix(depth)}=[...]");
        }
        return index;
    }

    /// <summary>Whether the first <paramref name="length"/> parts name a block section: a role, or a preprocessor in a list.</summary>
    private static bool IsBlockSection(string[] path, int length) => length switch
    {
        1 => ManifestFields.RoleOf(path[0]) is not null,
        2 => ManifestFields.RoleOf(path[0]) == BlockRole.Preprocessor
             && IsIndex(path[1]),
        _ => false,
    };

    private static bool IsIndex(string part) => int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out _);

    private string Prefix(int length) => string.Join('.', _path[..length]);

    private static JsonNode? ParseValue(string assignment, string text)
    {
        JsonNode? value;
        try
        {
            value = JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
        if (value is JsonObject or JsonArray && DuplicateFields.Find(Encoding.UTF8.GetBytes(text), default) is { } duplicate)
        {
            throw new ManifestException(
                $"--set '{assignment}': the value has the field '{duplicate.Path}' twice (field names are case-insensitive).");
        }
        return value;
    }

    private ManifestException Error(string message) => new($"{_origin}: {message}.");
}
