using System.CommandLine;
using System.ComponentModel;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Host.Manifest;
using Taxonomy.Host.Registry;

namespace Taxonomy.Host.Cli;

/// <summary>`taxonomy list`: the block catalogue by role, with every option, its default and meaning.</summary>
internal static class ListCommand
{
    public static Command Create()
    {
        var plugins = new PluginsOption();
        var command = new Command("list", "List every registered block by role, with its options and defaults.");
        plugins.AddTo(command);
        command.SetAction(parse =>
        {
            using var services = plugins.Services(parse);
            Console.Write(Describe(services.GetRequiredService<BlockRegistry>()));
            return 0;
        });
        return command;
    }

    public static string Describe(BlockRegistry registry)
    {
        var text = new System.Text.StringBuilder();
        foreach (var role in BlockRoles.All)
        {
            text.AppendLine($"{BlockRoles.Field(role)}: {BlockRoles.Meaning(role)}");
            foreach (var block in registry.OfRole(role))
            {
                var origin = block.Origin == "built-in" ? "" : $"  [from {block.Origin}]";
                text.AppendLine($"  {block.Name} — {block.Summary}{origin}");
                foreach (var line in Options(block.OptionsType))
                {
                    text.AppendLine($"      {line}");
                }
            }
            text.AppendLine();
        }
        return text.ToString();
    }

    /// <summary>Options nested in a block's options (e.g. self-augmentation's "vat"), as the JSON a manifest would hold.</summary>
    private static string Nested(BlockOptions nested)
    {
        var json = (System.Text.Json.Nodes.JsonObject)OptionsJson.Serialize(nested);
        json.Remove("type");
        return json.ToJsonString();
    }

    private static IEnumerable<string> Options(Type optionsType)
    {
        var defaults = (BlockOptions)Activator.CreateInstance(optionsType)!;
        defaults.ApplyDefaults();
        foreach (var property in optionsType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                     .Where(p => p.CanWrite && p.Name != nameof(BlockOptions.Type)))
        {
            var value = property.GetValue(defaults);
            var shown = value switch
            {
                null => "null",
                string s => $"\"{s}\"",
                System.Collections.IEnumerable list => "[" + string.Join(", ", list.Cast<object>()) + "]",
                bool b => b ? "true" : "false",
                Enum e => OptionsBinder.CamelCase(e.ToString()),
                IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
                BlockOptions nested => Nested(nested),
                _ => value.ToString(),
            };
            var description = property.GetCustomAttribute<DescriptionAttribute>()?.Description ?? "";
            yield return $"{OptionsBinder.CamelCase(property.Name)} = {shown}  {description}";
        }
    }
}
