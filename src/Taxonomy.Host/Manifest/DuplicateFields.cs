using System.Text.Json;

namespace Taxonomy.Host.Manifest;

/// <summary>
/// Finds a field written twice in one JSON object. Manifest fields are read case-insensitively, so "seed" and "Seed"
/// are the same field: a JSON tree would keep both (and the binder one of them, silently) or fail on an exact
/// repeat with an exception that names neither the field nor the line.
/// </summary>
internal static class DuplicateFields
{
    /// <summary>The repeated field's path ("Seed", "branch.dims", "preprocessor[1].type") and its two lines.</summary>
    public sealed record Duplicate(string Path, int Line, int FirstLine);

    /// <summary>The first repeated field of <paramref name="utf8"/>, or null. The text must be valid JSON.</summary>
    public static Duplicate? Find(byte[] utf8, JsonReaderOptions options)
    {
        var reader = new Utf8JsonReader(utf8, options);
        var lines = new LineCounter(utf8);
        var scopes = new Stack<Scope>();
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    var scope = scopes.Peek();
                    var name = reader.GetString()!;
                    var line = lines.LineAt(reader.TokenStartIndex);
                    if (scope.Fields.TryGetValue(name, out var first))
                    {
                        return new Duplicate(scope.Child(name), line, first);
                    }
                    scope.Fields[name] = line;
                    scope.Current = name;
                    break;
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    var path = scopes.TryPeek(out var parent) ? parent.NextValue() : "";
                    scopes.Push(new Scope(path, reader.TokenType == JsonTokenType.StartArray));
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    scopes.Pop();
                    break;
                default:
                    if (scopes.TryPeek(out var list))
                    {
                        list.NextValue();
                    }
                    break;
            }
        }
        return null;
    }

    private sealed class Scope(string path, bool isList)
    {
        private int _count;

        public Dictionary<string, int> Fields { get; } = new(StringComparer.OrdinalIgnoreCase);

        /// <summary>The field whose value comes next (in an object).</summary>
        public string Current { get; set; } = "";

        public string Child(string name) => path.Length == 0 ? name : $"{path}.{name}";

        /// <summary>The path of the value that starts now: the current field's, or the next list element's.</summary>
        public string NextValue() => isList ? $"{path}[{_count++}]" : Child(Current);
    }

    /// <summary>1-based line numbers of byte offsets, read forward once.</summary>
    private sealed class LineCounter(byte[] utf8)
    {
        private int _offset;
        private int _line = 1;

        public int LineAt(long offset)
        {
            for (; _offset < offset; _offset++)
            {
                if (utf8[_offset] == (byte)'\n')
                {
                    _line++;
                }
            }
            return _line;
        }
    }
}
