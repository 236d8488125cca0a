using System.Collections;
using System.Reflection;
using System.Text.Json.Nodes;

namespace Taxonomy.Host.Manifest;

/// <summary>
/// Checks, before binding, that each field's JSON has the shape its option needs: a value, a list or a section. The
/// configuration binder reports a list given for a number with an exception naming neither, names C# types
/// ("not a valid OptimizerOptions"), and reads an empty section {} given for a number as absent, silently.
/// </summary>
internal static class OptionShapes
{
    private enum Shape
    {
        Value,
        List,
        Section,
    }

    /// <summary>The first field of <paramref name="json"/> whose shape does not fit <paramref name="type"/>, as a message; or null.</summary>
    public static string? Problem(JsonNode? json, Type type, string path)
    {
        if (json is not JsonObject fields)
        {
            return null;
        }
        foreach (var (key, value) in fields)
        {
            var property = type.GetProperty(key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is not null && value is not null   // unknown fields are reported with the valid ones elsewhere
                && Check(value, property.PropertyType, OptionRanges.Join(path, key)) is { } problem)
            {
                return problem;
            }
        }
        return null;
    }

    private static string? Check(JsonNode json, Type type, string path)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(object))
        {
            return null;
        }
        var expected = ShapeOf(type);
        var actual = json switch { JsonObject => Shape.Section, JsonArray => Shape.List, _ => Shape.Value };
        if (actual != expected)
        {
            return $"{path}: expected {Expected(type, expected)}, got {Actual(json, actual)}";
        }
        return json switch
        {
            JsonArray items => items.Select((item, i) => item is null ? null : Check(item, ElementType(type), $"{path}[{i}]"))
                .FirstOrDefault(p => p is not null),
            JsonObject entries when IsDictionary(type) => entries
                .Select(e => e.Value is null ? null : Check(e.Value, type.GetGenericArguments()[1], $"{path}.{e.Key}"))
                .FirstOrDefault(p => p is not null),
            JsonObject => Problem(json, type, path),
            _ => null,
        };
    }

    private static Shape ShapeOf(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) ? Shape.Value
        : IsDictionary(type) ? Shape.Section
        : typeof(IEnumerable).IsAssignableFrom(type) ? Shape.List
        : Shape.Section;

    private static bool IsDictionary(Type type) => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>);

    private static Type ElementType(Type list) =>
        list.IsArray ? list.GetElementType()! : list.IsGenericType ? list.GetGenericArguments()[0] : typeof(object);

    private static string Expected(Type type, Shape shape) => shape switch
    {
        Shape.List => "a list, e.g. [1, 2]",
        Shape.Section => "a section of fields { ... }",
        _ when type == typeof(string) => "a string",
        _ when type == typeof(bool) => "true or false",
        _ when type.IsEnum => "one of: " + string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant())),
        _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => "a number",
        _ => "a whole number",
    };

    private static string Actual(JsonNode json, Shape shape) => shape switch
    {
        Shape.List => "a list",
        Shape.Section => "a section { ... }",
        _ => json.ToJsonString(),
    };
}
