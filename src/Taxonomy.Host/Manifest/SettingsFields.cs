namespace Taxonomy.Host.Manifest;

/// <summary>
/// Every manifest field that is not a block, as a dotted path ("seed", "data.source",
/// "optimizer.phases.&lt;phase&gt;.learningRate"), walked from <see cref="RunSettings"/> by reflection, so a new
/// setting is documented by `taxonomy list` and `taxonomy schema` as soon as it exists.
/// </summary>
public static class SettingsFields
{
    /// <param name="OverrideOf">For a per-key override (a phase's learning rate), the path of the field it overrides.</param>
    public sealed record Entry(string Path, OptionField Field, string? OverrideOf);

    public static IReadOnlyList<Entry> All() => Walk(typeof(RunSettings), Defaults(), "", null).ToList();

    /// <summary>The settings as the loader leaves them when a manifest sets nothing, the optimiser's built-in defaults included.</summary>
    public static RunSettings Defaults()
    {
        var settings = new RunSettings();
        // The optimiser's fields are nullable so that phases can override them; their defaults live in For().
        var effective = settings.Optimizer.For("");
        foreach (var property in typeof(OptimizerSettings).GetProperties())
        {
            if (typeof(EffectiveOptimizer).GetProperty(property.Name) is { } source)
            {
                property.SetValue(settings.Optimizer, source.GetValue(effective));
            }
        }
        return settings;
    }

    private static IEnumerable<Entry> Walk(Type type, object? defaults, string prefix, string? overrides)
    {
        foreach (var field in OptionField.Of(type, defaults))
        {
            var path = prefix + field.Name;
            if (OptionField.DictionaryValue(field.ValueType) is { } entry && OptionField.IsOptionsObject(entry))
            {
                yield return new Entry(path, field, null);
                // Values of the containing class's own base type override its fields key by key (optimizer.phases).
                var overridden = entry.IsAssignableFrom(type) ? prefix : null;
                foreach (var inner in Walk(entry, null, $"{path}.{KeyPlaceholder(field.Name)}.", overridden))
                {
                    yield return inner;
                }
            }
            else if (OptionField.IsOptionsObject(field.ValueType))
            {
                foreach (var inner in Walk(field.ValueType, field.Default, path + ".", null))
                {
                    yield return inner;
                }
            }
            else
            {
                yield return new Entry(path, field, overrides is null ? null : overrides + field.Name);
            }
        }
    }

    /// <summary>"phases" → "&lt;phase&gt;": the key of one entry.</summary>
    public static string KeyPlaceholder(string dictionary) =>
        $"<{(dictionary.EndsWith('s') ? dictionary[..^1] : "key")}>";
}
