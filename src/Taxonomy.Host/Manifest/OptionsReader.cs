using System.Collections;
using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Taxonomy.Host.Manifest;

/// <summary>
/// One walk over a section of the manifest's JSON tree that fills an options object: keys matched to properties
/// case-insensitively, values converted to the property's type, lists built afresh (so a list the manifest gives
/// replaces the default whole, and [] stays empty), nested option objects and dictionaries filled in place, and a null
/// field skipped (it means "the default"). Problems are kept, not thrown, so that the most basic one is reported
/// whatever its place in the file: an unknown key, then a value, list or section where the option needs another shape,
/// then a value that does not convert.
/// </summary>
internal sealed class OptionsReader(string owner)
{
    private enum Shape
    {
        Value,
        List,
        Section,
    }

    private string? _unknownKey;
    private string? _wrongShape;
    private string? _wrongValue;

    /// <summary>The problem to report, or null when every field was read.</summary>
    public string? Problem => _unknownKey ?? _wrongShape ?? _wrongValue;

    /// <summary>Sets the properties of <paramref name="options"/> that <paramref name="fields"/> name.</summary>
    public void Fill(object options, IEnumerable<KeyValuePair<string, JsonNode?>> fields, string path)
    {
        var properties = options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).ToList();
        foreach (var (key, json) in fields)
        {
            if (json is null)
            {
                continue;
            }
            var field = OptionRanges.Join(path, key);
            var property = properties.FirstOrDefault(p => p.Name.Equals(key, StringComparison.OrdinalIgnoreCase));
            if (property is null)
            {
                _unknownKey ??= $"{field}: unknown option for {owner}. Valid options: " +
                                string.Join(", ", properties.Select(p => OptionsBinder.CamelCase(p.Name))) + ".";
                continue;
            }
            if (Read(json, property.PropertyType, field, property.GetValue(options)) is (true, var value))
            {
                property.SetValue(options, value);
            }
        }
    }

    /// <param name="existing">The property's current value: an options object or dictionary is filled in place.</param>
    private (bool Read, object? Value) Read(JsonNode json, Type type, string path, object? existing)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        var expected = ShapeOf(type);
        var actual = json switch { JsonObject => Shape.Section, JsonArray => Shape.List, _ => Shape.Value };
        if (actual != expected)
        {
            _wrongShape ??= $"{path}: expected {Expected(type, expected)}, got {Actual(json, actual)}";
            return (false, null);
        }
        return json switch
        {
            JsonArray items => (true, List(items, type, path)),
            JsonObject fields when OptionField.DictionaryValue(type) is { } valueType => (true, Dictionary(fields, type, valueType, path, existing)),
            JsonObject fields => (true, Section(fields, type, path, existing)),
            _ => Scalar((JsonValue)json, type, path),
        };
    }

    private object List(JsonArray items, Type type, string path)
    {
        var element = OptionField.ListElement(type) ?? type.GetGenericArguments()[0];
        var values = Array.CreateInstance(element, items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var at = $"{path}[{i}]";
            if (items[i] is not { } item)
            {
                _wrongShape ??= $"{at}: expected {Expected(element, ShapeOf(element))}, got null";
            }
            else if (Read(item, element, at, null) is (true, var value))
            {
                values.SetValue(value, i);
            }
        }
        return type.IsArray ? values : Activator.CreateInstance(typeof(List<>).MakeGenericType(element), values)!;
    }

    private object Dictionary(JsonObject entries, Type type, Type valueType, string path, object? existing)
    {
        var dictionary = (IDictionary)(existing ?? Activator.CreateInstance(type)!);
        foreach (var (key, json) in entries)
        {
            if (json is not null && Read(json, valueType, OptionRanges.Join(path, key), dictionary[key]) is (true, var value))
            {
                dictionary[key] = value;
            }
        }
        return dictionary;
    }

    private object Section(JsonObject fields, Type type, string path, object? existing)
    {
        var options = existing ?? Activator.CreateInstance(type)!;
        Fill(options, fields, path);
        return options;
    }

    /// <summary>
    /// A value as its type's converter reads its text (numbers as written, so 1e999 is infinite and refused later with
    /// the ranges, and "NaN" in quotes is a number); enums by name only, case-insensitively.
    /// </summary>
    private (bool, object?) Scalar(JsonValue json, Type type, string path)
    {
        var text = Text(json);
        if (type == typeof(string))
        {
            return (true, text);
        }
        if (type.IsEnum)
        {
            var name = Enum.GetNames(type).FirstOrDefault(n => n.Equals(text, StringComparison.OrdinalIgnoreCase));
            return name is not null ? (true, Enum.Parse(type, name)) : Unconvertible(text, type, path);
        }
        try
        {
            return (true, TypeDescriptor.GetConverter(type).ConvertFromInvariantString(text));
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException or NotSupportedException)
        {
            return Unconvertible(text, type, path);
        }
    }

    /// <summary>A string's value; a number or true/false as written in the JSON.</summary>
    public static string Text(JsonValue json) =>
        json.GetValueKind() == JsonValueKind.String ? json.GetValue<string>() : json.ToJsonString();

    private (bool, object?) Unconvertible(string text, Type type, string path)
    {
        var expected = type switch
        {
            { IsEnum: true } => "choice; valid: " + string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant())),
            _ when type == typeof(bool) => "boolean (true or false)",
            _ when OptionField.IsInteger(type) => "whole number",
            _ when OptionField.IsNumber(type) => "number",
            _ => type.Name,
        };
        _wrongValue ??= $"{path}: '{text}' is not a valid {expected}";
        return (false, null);
    }

    private static Shape ShapeOf(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) ? Shape.Value
        : OptionField.DictionaryValue(type) is not null ? Shape.Section
        : typeof(IEnumerable).IsAssignableFrom(type) ? Shape.List
        : Shape.Section;

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
