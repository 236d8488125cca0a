using System.Text.Json;
using System.Text.Json.Nodes;

namespace Taxonomy.Host.Training;

/// <summary>
/// The JSON file beside a weights file (<c>branch.pt.json</c>): the SHA-256 and length of the weights file and every
/// tensor's name and shape, so a damaged file or one of another architecture is refused before anything is loaded.
/// Sidecars of the first format hold only the shapes; they are still read, without a checksum to verify.
/// </summary>
internal sealed record WeightsSidecar(string? Sha256, long? Bytes, IReadOnlyDictionary<string, long[]> Tensors)
{
    public const int CurrentFormat = 2;

    public bool HasChecksum => Sha256 is not null;

    public static string PathOf(string weightsPath) => weightsPath + ".json";

    public static WeightsSidecar For(byte[] weights, IEnumerable<StoredTensor> tensors) => new(
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(weights)), weights.LongLength,
        tensors.ToDictionary(t => t.Name, t => t.Shape));

    public byte[] ToJson()
    {
        var shapes = new JsonObject();
        foreach (var (name, shape) in Tensors)
        {
            shapes[name] = new JsonArray(shape.Select(d => JsonValue.Create(d)).ToArray<JsonNode?>());
        }
        var json = new JsonObject { ["format"] = CurrentFormat, ["sha256"] = Sha256, ["bytes"] = Bytes, ["tensors"] = shapes };
        return System.Text.Encoding.UTF8.GetBytes(json.ToJsonString());
    }

    /// <summary>The sidecar of <paramref name="weightsPath"/>; throws <see cref="DamagedWeightsException"/> when it is missing or unreadable.</summary>
    public static WeightsSidecar Read(string weightsPath)
    {
        var path = PathOf(weightsPath);
        var name = Path.GetFileName(path);
        if (!File.Exists(path))
        {
            throw new DamagedWeightsException("no sidecar",
                $"weights file '{weightsPath}' has no '{name}' beside it listing its checksum and shapes; only files saved by taxonomy can be loaded.");
        }
        string text;
        try
        {
            text = new FileInfo(path).Length == 0 ? "" : File.ReadAllText(path);   // a pipe reports no length either
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Unreadable(weightsPath, name, e.Message);
        }
        if (text.Trim().Length == 0)
        {
            throw Unreadable(weightsPath, name, "it is empty");
        }
        try
        {
            return Parse(JsonNode.Parse(text) as JsonObject ?? throw new FormatException("it is not a JSON object"), weightsPath, name);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or OverflowException)
        {
            throw Unreadable(weightsPath, name, e.Message.TrimEnd('.'));
        }
    }

    private static WeightsSidecar Parse(JsonObject json, string weightsPath, string name)
    {
        var format = json["format"] is { } given ? given.GetValue<int>() : 1;
        if (format > CurrentFormat)
        {
            throw new DamagedWeightsException("newer format",
                $"weights file '{weightsPath}': its sidecar '{name}' has format {format}, written by a newer taxonomy; this one reads up to {CurrentFormat}.");
        }
        var tensors = (json["tensors"] as JsonObject ?? throw new FormatException("it has no \"tensors\" object"))
            .ToDictionary(p => p.Key, p => (p.Value as JsonArray ?? throw new FormatException($"the shape of '{p.Key}' is not a list"))
                .Select(d => d?.GetValue<long>() ?? throw new FormatException($"the shape of '{p.Key}' holds null")).ToArray());
        if (format == 1)
        {
            return new WeightsSidecar(null, null, tensors);
        }
        var sha = json["sha256"]?.GetValue<string>() is { Length: 64 } hex && hex.All(char.IsAsciiHexDigit)
            ? hex.ToLowerInvariant()
            : throw new FormatException("its \"sha256\" is not 64 hexadecimal digits");
        var bytes = json["bytes"]?.GetValue<long>() ?? throw new FormatException("it has no \"bytes\"");
        return new WeightsSidecar(sha, bytes, tensors);
    }

    private static DamagedWeightsException Unreadable(string weightsPath, string name, string why) =>
        new("unreadable sidecar", $"weights file '{weightsPath}': its sidecar '{name}' cannot be read ({why}); it was damaged, or the file was not saved by taxonomy.");
}
