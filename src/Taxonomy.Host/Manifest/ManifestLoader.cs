using System.Text.Json.Nodes;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Blocks.Data;
using Taxonomy.Host.Registry;

namespace Taxonomy.Host.Manifest;

/// <summary>
/// Manifest → <see cref="MethodDefinition"/>: each role's "type" resolved in the registry, and each section bound
/// strictly, once, from the manifest's JSON tree. Every error names the file and field. A field set to null, in the
/// file, by "extends" over a base or by an override, means "not set": the option keeps its default.
/// </summary>
public sealed class ManifestLoader(BlockRegistry registry)
{
    public MethodDefinition Load(string path) => Load(ManifestDocument.Load(path));

    /// <param name="document">The manifest with its overrides applied (<see cref="ManifestDocument.Apply"/>).</param>
    public MethodDefinition Load(ManifestDocument document)
    {
        var root = document.Root;
        var file = document.Path;
        foreach (var (key, _) in root.Where(p => p.Value is not null))
        {
            if (!ManifestFields.All.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                throw new ManifestException(
                    $"{file}: unknown field '{key}'. Valid fields: {string.Join(", ", ManifestFields.All)}.");
            }
        }

        var settings = (RunSettings)OptionsBinder.Bind(
            root.Where(p => ManifestFields.Settings.Contains(p.Key, StringComparer.OrdinalIgnoreCase)),
            typeof(RunSettings), file, "", "the manifest");
        CheckData(settings.Data, file);
        if (!settings.Device.Equals("cpu", StringComparison.OrdinalIgnoreCase))
        {
            throw new ManifestException(
                $"{file}: device: '{settings.Device}' is not available; only \"cpu\" (this TorchSharp build has no CUDA).");
        }

        var preprocessors = LoadPreprocessors(Child(root, "preprocessor"), file);
        var blocks = new Dictionary<BlockRole, BlockSpec>();
        foreach (var role in BlockRoles.All.Where(r => r != BlockRole.Preprocessor))
        {
            var field = BlockRoles.Field(role);
            blocks[role] = Child(root, field) is { } section && !IsEmpty(section)
                ? LoadBlock(role, section, field, file)
                : throw new ManifestException(
                    $"{file}: missing '{field}' ({BlockRoles.Meaning(role)}). Choose one of: {Names(role)}.");
        }
        return new MethodDefinition(file, document.Directory, settings, preprocessors, blocks);
    }

    /// <summary>The data options' own rules, checked here too so that `validate` reports them, not only a run.</summary>
    private static void CheckData(DataOptions data, string file)
    {
        try
        {
            data.Validate();
        }
        catch (DataException e)
        {
            throw new ManifestException($"{file}: {e.Message}", e);
        }
    }

    /// <summary>One preprocessor, a list of them, or none ("preprocessor": [] is no preprocessing).</summary>
    private List<BlockSpec> LoadPreprocessors(JsonNode? json, string file) => json switch
    {
        null => [],
        _ when IsEmpty(json) => [],
        JsonArray list => list.Select((item, i) => LoadBlock(BlockRole.Preprocessor, item, $"preprocessor[{i}]", file)).ToList(),
        _ => [LoadBlock(BlockRole.Preprocessor, json, "preprocessor", file)],
    };

    /// <summary>A block section: { "type": NAME, options } or a bare "NAME" (default options).</summary>
    private BlockSpec LoadBlock(BlockRole role, JsonNode? section, string path, string file)
    {
        var type = section switch
        {
            JsonValue bare => OptionsReader.Text(bare),
            JsonObject fields => Child(fields, "type") as JsonValue is { } value ? OptionsReader.Text(value) : null,
            _ => null,
        };
        if (string.IsNullOrWhiteSpace(type))
        {
            throw new ManifestException(
                $"{file}: {path}: needs a \"type\" ({BlockRoles.Meaning(role)}). Choose one of: {Names(role)}.");
        }
        var descriptor = registry.Find(role, type) ?? throw new ManifestException(
            $"{file}: {path}.type: unknown {BlockRoles.Field(role)} '{type}'. Valid choices: {Names(role)}.");
        var options = section is JsonObject json
            ? (BlockOptions)OptionsBinder.Bind(json, descriptor.OptionsType, file, path, $"{path} '{type}'")
            : (BlockOptions)OptionField.Defaults(descriptor.OptionsType);
        options.Type = type;
        return new BlockSpec(descriptor, options, path);
    }

    /// <summary>A section with nothing set: {}, [] or only nulls; a role written so is missing.</summary>
    private static bool IsEmpty(JsonNode json) => json switch
    {
        JsonObject fields => fields.All(f => f.Value is null),
        JsonArray { Count: 0 } => true,
        _ => false,
    };

    /// <summary>The member of a JSON object, its key matched case-insensitively.</summary>
    private static JsonNode? Child(JsonObject node, string key) =>
        ManifestDocument.ExistingKey(node, key) is { } existing ? node[existing] : null;

    private string Names(BlockRole role) => string.Join(", ", registry.OfRole(role).Select(d => d.Name));
}
