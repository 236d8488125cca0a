using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Blocks.Data;
using Taxonomy.Host.Registry;

namespace Taxonomy.Host.Manifest;

/// <summary>
/// Manifest → <see cref="MethodDefinition"/>: JSON plus overrides, read through Microsoft.Extensions.Configuration,
/// each role's "type" resolved in the registry, options bound strictly. Every error names the file and field.
/// </summary>
public sealed class ManifestLoader(BlockRegistry registry)
{
    public MethodDefinition Load(string path, IEnumerable<string>? overrides = null) =>
        Load(ManifestDocument.Load(path), overrides);

    public MethodDefinition Load(ManifestDocument document, IEnumerable<string>? overrides = null)
    {
        foreach (var assignment in overrides ?? [])
        {
            document.Set(assignment);
        }
        RemoveNulls(document.Root);
        var file = document.Path;
        foreach (var key in document.Root.Select(p => p.Key))
        {
            if (!ManifestFields.All.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                throw new ManifestException(
                    $"{file}: unknown field '{key}'. Valid fields: {string.Join(", ", ManifestFields.All)}.");
            }
        }

        var settingsJson = new JsonObject(document.Root
            .Where(p => ManifestFields.Settings.Contains(p.Key, StringComparer.OrdinalIgnoreCase))
            .Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));
        var settings = (RunSettings)OptionsBinder.Bind(Configuration(settingsJson), typeof(RunSettings),
            file, "", "the manifest", settingsJson);
        CheckData(settings.Data, file);
        if (!settings.Device.Equals("cpu", StringComparison.OrdinalIgnoreCase))
        {
            throw new ManifestException(
                $"{file}: device: '{settings.Device}' is not available; only \"cpu\" (this TorchSharp build has no CUDA).");
        }

        var root = Configuration(document.Root);
        var preprocessors = LoadPreprocessors(root.GetSection("preprocessor"), file, Child(document.Root, "preprocessor"));
        var blocks = new Dictionary<BlockRole, BlockSpec>();
        foreach (var role in BlockRoles.All.Where(r => r != BlockRole.Preprocessor))
        {
            var field = BlockRoles.Field(role);
            var section = root.GetSection(field);
            if (!section.Exists())
            {
                throw new ManifestException(
                    $"{file}: missing '{field}' ({BlockRoles.Meaning(role)}). Choose one of: {Names(role)}.");
            }
            blocks[role] = LoadBlock(role, section, field, file, Child(document.Root, field));
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

    private List<BlockSpec> LoadPreprocessors(IConfigurationSection section, string file, JsonNode? json)
    {
        if (!section.Exists() || json is JsonArray { Count: 0 })   // "preprocessor": [] is no preprocessing
        {
            return [];
        }
        var children = section.GetChildren().ToList();
        var isList = section.Value is null && children.Count > 0 && children.All(c => int.TryParse(c.Key, out _));
        return isList
            ? children.OrderBy(c => int.Parse(c.Key))
                .Select(c => LoadBlock(BlockRole.Preprocessor, c, $"preprocessor[{c.Key}]", file, Child(json, c.Key))).ToList()
            : [LoadBlock(BlockRole.Preprocessor, section, "preprocessor", file, json)];
    }

    private BlockSpec LoadBlock(BlockRole role, IConfigurationSection section, string path, string file, JsonNode? json)
    {
        var type = section.Value ?? section["type"];
        if (string.IsNullOrWhiteSpace(type))
        {
            throw new ManifestException(
                $"{file}: {path}: needs a \"type\" ({BlockRoles.Meaning(role)}). Choose one of: {Names(role)}.");
        }
        var descriptor = registry.Find(role, type) ?? throw new ManifestException(
            $"{file}: {path}.type: unknown {BlockRoles.Field(role)} '{type}'. Valid choices: {Names(role)}.");
        var options = section.Value is not null
            ? BareOptions(descriptor)
            : (BlockOptions)OptionsBinder.Bind(section, descriptor.OptionsType, file, path, $"{path} '{type}'",
                json);
        options.Type = type;
        return new BlockSpec(descriptor, options, path);
    }

    /// <summary>The member of a JSON object (keys case-insensitive, as the configuration's) or the element of an array.</summary>
    private static JsonNode? Child(JsonNode? node, string key) => node switch
    {
        JsonObject o => ManifestDocument.ExistingKey(o, key) is { } existing ? o[existing] : null,
        JsonArray a when int.TryParse(key, out var i) && i >= 0 && i < a.Count => a[i],
        _ => null,
    };

    /// <summary>A role written as a bare string, e.g. "postClustering": "kmeans": default options.</summary>
    private static BlockOptions BareOptions(BlockDescriptor descriptor)
    {
        var options = (BlockOptions)Activator.CreateInstance(descriptor.OptionsType)!;
        options.ApplyDefaults();
        return options;
    }

    private string Names(BlockRole role) => string.Join(", ", registry.OfRole(role).Select(d => d.Name));

    /// <summary>
    /// A field set to null, in the file, by "extends" over a base or by --set, means "not set": the option keeps its
    /// default. Left in, a null scalar would reach the configuration as an empty string and fail validation.
    /// </summary>
    private static void RemoveNulls(JsonObject json)
    {
        foreach (var (key, value) in json.ToList())
        {
            if (value is null)
            {
                json.Remove(key);
            }
            else if (value is JsonObject section)
            {
                RemoveNulls(section);
            }
            else if (value is JsonArray list)
            {
                foreach (var item in list.OfType<JsonObject>())
                {
                    RemoveNulls(item);
                }
            }
        }
    }

    private static IConfigurationRoot Configuration(JsonObject json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json.ToJsonString()))).Build();
}
