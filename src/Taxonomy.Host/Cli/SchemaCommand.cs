using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Taxonomy.Host.Manifest;
using Taxonomy.Host.Registry;

namespace Taxonomy.Host.Cli;

/// <summary>`taxonomy schema [--out FILE]`: the manifest's JSON Schema, from the registered blocks (plugins included).</summary>
internal static class SchemaCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out")
        {
            Description = $"Write the schema to FILE instead of standard output (the shipped one: {ManifestSchema.CommittedPath}).",
        };
        var plugins = new PluginsOption();
        var command = new Command("schema",
            "Print the JSON Schema (draft-07) of a manifest: every field and block option with its type, range, default and meaning.")
        {
            output,
        };
        plugins.AddTo(command);
        command.SetAction(parse =>
        {
            using var host = plugins.Host(parse);
            var registry = host.GetRequiredService<BlockRegistry>();
            var text = ManifestSchema.Text(registry);
            if (parse.GetValue(output) is not { } file)
            {
                Console.Write(text);
                return 0;
            }
            try
            {
                File.WriteAllText(file, text);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                Console.Error.WriteLine($"error: --out '{file}': cannot write the schema: {e.Message}");
                return 2;
            }
            Console.WriteLine($"wrote {file}");
            return 0;
        });
        return command;
    }
}
