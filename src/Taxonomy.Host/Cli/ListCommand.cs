using System.CommandLine;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Host.Manifest;
using Taxonomy.Host.Registry;

namespace Taxonomy.Host.Cli;

/// <summary>
/// `taxonomy list`: every manifest field that is not a block (type, default, range, meaning), then the block catalogue
/// by role, with every option, its default and meaning.
/// </summary>
internal static class ListCommand
{
    public static Command Create()
    {
        var plugins = new PluginsOption();
        var command = new Command("list", "List every manifest field, and every registered block by role with its options and defaults.");
        plugins.AddTo(command);
        command.SetAction(parse =>
        {
            using var host = plugins.Host(parse);
            var registry = host.GetRequiredService<BlockRegistry>();
            Console.Write(DescribeFields());
            Console.WriteLine();
            Console.Write(Describe(registry));
            return 0;
        });
        return command;
    }

    /// <summary>The top-level fields and the settings sections (data, optimizer, log), one line each.</summary>
    public static string DescribeFields()
    {
        var text = new StringBuilder();
        text.AppendLine("Manifest fields (the blocks follow by role; a field set to null keeps its default):");
        foreach (var (field, meaning) in ManifestFields.Document)
        {
            text.AppendLine($"  {field}  string. {meaning}");
        }
        foreach (var entry in SettingsFields.All())
        {
            var shown = entry.OverrideOf ?? Show(entry.Field.Default);
            text.AppendLine($"  {entry.Path} = {shown}  {Kind(entry.Field)}. {entry.Field.Description}");
        }
        foreach (var role in BlockRoles.All)
        {
            var form = role == BlockRole.Preprocessor ? "a block or a list of blocks" : "a block";
            text.AppendLine($"  {BlockRoles.Field(role)}  {form}: {{ \"type\": NAME, options }} or \"NAME\". {Capitalised(BlockRoles.Meaning(role))}.");
        }
        return text.ToString();
    }

    public static string Describe(BlockRegistry registry)
    {
        var text = new StringBuilder();
        foreach (var role in BlockRoles.All)
        {
            text.AppendLine($"{BlockRoles.Field(role)}: {BlockRoles.Meaning(role)}");
            foreach (var block in registry.OfRole(role))
            {
                var origin = block.Origin == "built-in" ? "" : $"  [from {block.Origin}]";
                text.AppendLine($"  {block.Name} — {block.Summary}{origin}");
                foreach (var option in OptionField.Of(block.OptionsType, OptionField.Defaults(block.OptionsType)))
                {
                    text.AppendLine($"      {option.Name} = {Show(option.Default)}  {option.Description}");
                }
            }
            text.AppendLine();
        }
        return text.ToString();
    }

    private static string Show(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        System.Collections.IDictionary { Count: 0 } => "{}",
        System.Collections.IEnumerable list => "[" + string.Join(", ", list.Cast<object>()) + "]",
        bool b => b ? "true" : "false",
        Enum e => OptionField.EnumName(e),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        BlockOptions nested => Nested(nested),
        _ => value.ToString() ?? "",
    };

    /// <summary>Options nested in a block's options (e.g. self-augmentation's "vat"), as the JSON a manifest would hold.</summary>
    private static string Nested(BlockOptions nested)
    {
        var json = (System.Text.Json.Nodes.JsonObject)OptionsJson.Serialize(nested);
        json.Remove("type");
        return json.ToJsonString();
    }

    /// <summary>"integer in [1, 1024]", "adam | sgd | rmsprop", "list of strings", "object of settings by phase".</summary>
    private static string Kind(OptionField field) => OptionField.DictionaryValue(field.ValueType) is null
        ? Kind(field.ValueType) + Range(field)
        : $"object of settings by {SettingsFields.KeyPlaceholder(field.Name).Trim('<', '>')}";

    private static string Kind(Type type) => type switch
    {
        _ when type == typeof(bool) => "boolean",
        _ when type == typeof(string) => "string",
        _ when OptionField.IsInteger(type) => "integer",
        _ when OptionField.IsNumber(type) => "number",
        { IsEnum: true } => string.Join(" | ", OptionField.EnumNames(type)),
        _ when OptionField.ListElement(type) is { } element => $"list of {Kind(element)}s",
        _ => "object",
    };

    private static string Range(OptionField field)
    {
        if (field.Range is not { } range)
        {
            return "";
        }
        var low = range.MinimumIsExclusive ? "(" : "[";
        var high = range.MaximumIsExclusive ? ")" : "]";
        return $" in {low}{Number(range.Minimum)}, {Number(range.Maximum)}{high}";
    }

    private static string Number(object bound) => Convert.ToDouble(bound, CultureInfo.InvariantCulture).ToString("g", CultureInfo.InvariantCulture);

    private static string Capitalised(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
