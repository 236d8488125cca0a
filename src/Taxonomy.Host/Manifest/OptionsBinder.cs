using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Taxonomy.Abstractions.Registration;

namespace Taxonomy.Host.Manifest;

/// <summary>
/// Binds a manifest section to a typed options class, strictly: unknown keys, values of the wrong type and
/// out-of-range values (<see cref="OptionRanges"/>) are errors naming the file and the field, with the valid keys listed.
/// </summary>
public static class OptionsBinder
{
    /// <param name="json">
    /// The section's JSON, to check each field's shape and to tell an empty list from an absent one (the configuration cannot).
    /// </param>
    public static object Bind(IConfiguration section, Type optionsType, string file, string path, string owner,
        JsonNode? json = null)
    {
        CheckKeys(section, optionsType, file, path, owner);
        if (OptionShapes.Problem(json, optionsType, path) is { } shape)
        {
            throw new ManifestException($"{file}: {shape}");
        }

        var options = Activator.CreateInstance(optionsType)!;
        try
        {
            section.Bind(options, b => b.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException e)
        {
            throw new ManifestException($"{file}: {Describe(e, section, optionsType, path)}", e);
        }

        KeepEmptyLists(json, options);
        if (options is BlockOptions block)
        {
            block.ApplyDefaults();
        }
        var messages = OptionRanges.Problems(options, path)
            .Concat((options as BlockOptions)?.Validate().Select(v => $"{OptionRanges.Join(path, v.Option)}: {v.Message}") ?? [])
            .ToList();
        if (messages.Count > 0)
        {
            throw new ManifestException($"{file}: " + string.Join("; ", messages));
        }
        return options;
    }

    /// <summary>Rejects keys with no matching property, recursing into nested option objects and dictionaries.</summary>
    private static void CheckKeys(IConfiguration section, Type type, string file, string path, string owner)
    {
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).ToList();
        foreach (var child in section.GetChildren())
        {
            var property = properties.FirstOrDefault(p => p.Name.Equals(child.Key, StringComparison.OrdinalIgnoreCase))
                ?? throw new ManifestException(
                    $"{file}: {OptionRanges.Join(path, child.Key)}: unknown option for {owner}. Valid options: " +
                    string.Join(", ", properties.Select(p => CamelCase(p.Name))) + ".");
            var childType = property.PropertyType;
            if (childType.IsGenericType && childType.GetGenericTypeDefinition() == typeof(Dictionary<,>))
            {
                var valueType = childType.GetGenericArguments()[1];
                foreach (var entry in child.GetChildren().Where(_ => IsOptionsObject(valueType)))
                {
                    CheckKeys(entry, valueType, file, $"{OptionRanges.Join(path, child.Key)}.{entry.Key}", owner);
                }
            }
            else if (IsOptionsObject(childType))
            {
                CheckKeys(child, childType, file, OptionRanges.Join(path, child.Key), owner);
            }
        }
    }

    /// <summary>
    /// Sets a list written as [] to an empty list. The JSON configuration provider keeps an empty array as a key with no
    /// value, exactly as it keeps null, and the binder skips both, so the property stayed null and ApplyDefaults
    /// replaced it with the default: RIM's linear model ("dims": []) silently became an MLP d-1200-1200-K.
    /// </summary>
    private static void KeepEmptyLists(JsonNode? json, object options)
    {
        if (json is not JsonObject fields)
        {
            return;
        }
        foreach (var (key, value) in fields)
        {
            var property = options.GetType().GetProperty(key,
                BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null || !property.CanWrite)
            {
                continue;
            }
            var type = property.PropertyType;
            if (value is JsonArray { Count: 0 } && type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>))
            {
                property.SetValue(options, Activator.CreateInstance(type));
            }
            else if (value is JsonObject && IsOptionsObject(type) && property.GetValue(options) is { } nested)
            {
                KeepEmptyLists(value, nested);
            }
        }
    }

    private static bool IsOptionsObject(Type type) =>
        type.IsClass && type != typeof(string) && !typeof(System.Collections.IEnumerable).IsAssignableFrom(type);

    public static string CamelCase(string name) =>
        name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];

    /// <summary>The binder's conversion error as "path.option: 'value' is not a valid ...", with enum names listed.</summary>
    private static string Describe(InvalidOperationException e, IConfiguration section, Type optionsType, string path)
    {
        // Dictionaries wrap the real conversion error in a generic one: look inside.
        Exception inner = e;
        while (!inner.Message.StartsWith("Failed to convert", StringComparison.Ordinal) && inner.InnerException is { } next)
        {
            inner = next;
        }
        var match = System.Text.RegularExpressions.Regex.Match(inner.Message,
            "Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']*)' to type");
        if (!match.Success)
        {
            return path.Length == 0 ? e.Message : $"{path}: {e.Message}";
        }
        var prefix = section is IConfigurationSection s && s.Path.Length > 0 ? s.Path + ":" : "";
        var key = match.Groups["key"].Value;
        key = key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? key[prefix.Length..] : key;
        var target = PropertyType(optionsType, key.Split(':'));
        target = Nullable.GetUnderlyingType(target ?? typeof(object)) ?? target;
        var expected = target switch
        {
            { IsEnum: true } => "choice; valid: " + string.Join(", ", Enum.GetNames(target).Select(n => n.ToLowerInvariant())),
            _ when target == typeof(bool) => "boolean (true or false)",
            _ when target == typeof(int) || target == typeof(long) => "whole number",
            _ when target == typeof(double) || target == typeof(float) => "number",
            _ => target?.Name ?? "value",
        };
        var dotted = string.Join('.', key.Split(':').Select(CamelCase));
        return $"{OptionRanges.Join(path, dotted)}: '{match.Groups["value"].Value}' is not a valid {expected}";
    }

    private static Type? PropertyType(Type type, IEnumerable<string> keys)
    {
        Type? current = type;
        foreach (var key in keys)
        {
            if (current is null || int.TryParse(key, out _))
            {
                current = current?.IsGenericType == true ? current.GetGenericArguments()[^1] : current?.GetElementType();
                continue;
            }
            current = current.GetProperty(key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)?.PropertyType
                ?? (current.IsGenericType ? current.GetGenericArguments()[^1] : null);
        }
        return current;
    }
}
