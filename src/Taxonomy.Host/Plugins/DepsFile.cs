using System.Text.Json;

namespace Taxonomy.Host.Plugins;

/// <summary>
/// Checks that a plugin's X.deps.json has the shape the .NET host's native dependency resolver reads. That resolver
/// trusts the file: a missing or mistyped member (a deps.json of just <c>{}</c>) aborts the whole process instead of
/// raising an exception, so the file is checked here first, and a fault is reported with the path to the member.
/// </summary>
internal static class DepsFile
{
    private static readonly string[] s_assetTypes = ["runtime", "resources", "native"];

    private static readonly JsonDocumentOptions s_options = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    public static void Check(string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path), s_options);
        }
        catch (JsonException e)
        {
            throw Invalid(path, $"it is not JSON ({e.Message})");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PluginException($"{path}: cannot read the file: {e.Message}", e);
        }
        using (document)
        {
            var root = Object(path, document.RootElement, "the file");
            var target = Member(path, root, "runtimeTarget", "runtimeTarget");
            var targetName = target.ValueKind == JsonValueKind.String
                ? target.GetString()!
                : String(path, Member(path, Object(path, target, "runtimeTarget"), "name", "runtimeTarget.name"), "runtimeTarget.name");

            var packages = Object(path, Member(path, Object(path, Member(path, root, "targets", "targets"), "targets"),
                targetName, $"targets[\"{targetName}\"]"), $"targets[\"{targetName}\"]");
            foreach (var package in packages.EnumerateObject())
            {
                CheckPackage(path, package, $"targets[\"{targetName}\"][\"{package.Name}\"]");
            }

            foreach (var library in Object(path, Member(path, root, "libraries", "libraries"), "libraries").EnumerateObject())
            {
                var where = $"libraries[\"{library.Name}\"]";
                String(path, Member(path, Object(path, library.Value, where), "type", where + ".type"), where + ".type");
            }

            if (root.TryGetProperty("runtimes", out var runtimes))
            {
                foreach (var rid in Object(path, runtimes, "runtimes").EnumerateObject())
                {
                    Strings(path, rid.Value, $"runtimes[\"{rid.Name}\"]");
                }
            }
        }
    }

    private static void CheckPackage(string path, JsonProperty package, string where)
    {
        var assets = Object(path, package.Value, where);
        foreach (var type in s_assetTypes)
        {
            if (assets.TryGetProperty(type, out var files))
            {
                foreach (var file in Object(path, files, $"{where}.{type}").EnumerateObject())
                {
                    Object(path, file.Value, $"{where}.{type}[\"{file.Name}\"]");
                }
            }
        }
        if (assets.TryGetProperty("runtimeTargets", out var runtimeTargets))
        {
            foreach (var file in Object(path, runtimeTargets, where + ".runtimeTargets").EnumerateObject())
            {
                var entry = $"{where}.runtimeTargets[\"{file.Name}\"]";
                var value = Object(path, file.Value, entry);
                String(path, Member(path, value, "assetType", entry + ".assetType"), entry + ".assetType");
                String(path, Member(path, value, "rid", entry + ".rid"), entry + ".rid");
            }
        }
    }

    private static JsonElement Member(string path, JsonElement parent, string name, string where) =>
        parent.TryGetProperty(name, out var value) ? value : throw Invalid(path, $"{where} is missing");

    private static JsonElement Object(string path, JsonElement value, string where) =>
        value.ValueKind == JsonValueKind.Object ? value : throw Invalid(path, $"{where} is {Kind(value)}, not an object");

    private static string String(string path, JsonElement value, string where) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Invalid(path, $"{where} is {Kind(value)}, not a string");

    private static void Strings(string path, JsonElement value, string where)
    {
        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(item => item.ValueKind != JsonValueKind.String))
        {
            throw Invalid(path, $"{where} is not an array of strings");
        }
    }

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "an object",
    };

    private static PluginException Invalid(string path, string fault) =>
        new($"{path}: not a usable .deps.json: {fault}; rebuild the plugin (dotnet build and publish write this file).");
}
