using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Taxonomy.Host.Manifest;

/// <summary>Options written back as manifest JSON (camelCase, enums as their manifest names).</summary>
public static class OptionsJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public static JsonNode Serialize(object options) => JsonSerializer.SerializeToNode(options, options.GetType(), Options)!;
}
