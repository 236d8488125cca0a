using System.Collections;
using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Taxonomy.Abstractions.Registration;

namespace Taxonomy.Host.Manifest;

/// <summary>
/// One option of a settings or block options class as a manifest spells it: camelCase name, value type, default,
/// [Range] and [Description]. `taxonomy list` and `taxonomy schema` both read options through it, so they agree with
/// each other and with the binder.
/// </summary>
public sealed record OptionField(string Name, PropertyInfo Property, object? Default)
{
    /// <summary>The property's type without <see cref="Nullable{T}"/>.</summary>
    public Type ValueType => Nullable.GetUnderlyingType(Property.PropertyType) ?? Property.PropertyType;

    public RangeAttribute? Range => Property.GetCustomAttribute<RangeAttribute>();

    public string Description => Property.GetCustomAttribute<DescriptionAttribute>()?.Description ?? "";

    /// <summary>The options of <paramref name="type"/>, defaults read from <paramref name="defaults"/> (null: none known).</summary>
    /// <remarks>
    /// A block's "type" is its name, not an option; nested block options (e.g. "vat") imply it. Dictionaries come last:
    /// they hold per-key overrides (optimizer.phases), which read best after the fields they override.
    /// </remarks>
    public static IReadOnlyList<OptionField> Of(Type type, object? defaults) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && !(typeof(BlockOptions).IsAssignableFrom(type) && p.Name == nameof(BlockOptions.Type)))
            .OrderBy(p => DictionaryValue(p.PropertyType) is not null)
            .Select(p => new OptionField(OptionsBinder.CamelCase(p.Name), p, defaults is null ? null : p.GetValue(defaults)))
            .ToList();

    /// <summary>A fresh options object as the binder leaves it when the manifest sets nothing (list defaults filled).</summary>
    public static object Defaults(Type type)
    {
        var options = Activator.CreateInstance(type)!;
        (options as BlockOptions)?.ApplyDefaults();
        return options;
    }

    /// <summary>An enum value as manifests write it ("mse"); the binder reads enum names case-insensitively.</summary>
    public static string EnumName(Enum value) => OptionsBinder.CamelCase(value.ToString());

    public static IEnumerable<string> EnumNames(Type type) => Enum.GetValues(type).Cast<Enum>().Select(EnumName);

    /// <summary>A class of options bound field by field (not a scalar, string, list or dictionary).</summary>
    public static bool IsOptionsObject(Type type) =>
        type.IsClass && type != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(type);

    /// <summary>The value type of a Dictionary&lt;string, T&gt;, or null.</summary>
    public static Type? DictionaryValue(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>) ? type.GetGenericArguments()[1] : null;

    /// <summary>The element type of a list or array, or null.</summary>
    public static Type? ListElement(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>) ? type.GetGenericArguments()[0]
        : null;

    public static bool IsInteger(Type type) =>
        type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte);

    public static bool IsNumber(Type type) => IsInteger(type) || type == typeof(double) || type == typeof(float);
}
