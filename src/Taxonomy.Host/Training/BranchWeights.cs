using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;

namespace Taxonomy.Host.Training;

/// <summary>
/// Saves and loads a branch's weights (TorchSharp format) with a sidecar listing every tensor's name and shape,
/// so that a file made for another architecture or data shape is rejected with a clear message, never half-loaded.
/// </summary>
public static class BranchWeights
{
    public static void Save(torch.nn.Module module, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var shapes = new JsonObject();
        foreach (var (name, tensor) in module.state_dict())
        {
            shapes[name] = new JsonArray(tensor.shape.Select(d => JsonValue.Create(d)).ToArray<JsonNode?>());
        }
        var temporary = path + ".partial";
        module.save(temporary);
        File.WriteAllText(SidecarOf(path), new JsonObject { ["tensors"] = shapes }.ToJsonString());
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Loads weights after checking every name and shape; throws <see cref="InvalidDataException"/> naming the first mismatch.</summary>
    public static void Load(torch.nn.Module module, string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"weights file '{path}' not found.", path);
        }
        var sidecar = SidecarOf(path);
        if (!File.Exists(sidecar))
        {
            throw new InvalidDataException($"weights file '{path}' has no '{Path.GetFileName(sidecar)}' beside it listing its shapes; " +
                                           "only files saved by taxonomy can be loaded.");
        }
        var saved = JsonNode.Parse(File.ReadAllText(sidecar))!["tensors"]!.AsObject();
        var expected = module.state_dict();
        foreach (var (name, tensor) in expected)
        {
            var savedShape = saved[name]?.AsArray().Select(d => d!.GetValue<long>()).ToArray();
            if (savedShape is null)
            {
                throw new InvalidDataException($"weights file '{path}' has no tensor '{name}': it was saved from another architecture.");
            }
            if (!savedShape.SequenceEqual(tensor.shape))
            {
                throw new InvalidDataException(
                    $"weights file '{path}' has '{name}' of shape [{string.Join(", ", savedShape)}], but this branch needs " +
                    $"[{string.Join(", ", tensor.shape)}]: it was saved for another architecture or data shape.");
            }
        }
        var extra = saved.Select(p => p.Key).Except(expected.Keys).FirstOrDefault();
        if (extra is not null)
        {
            throw new InvalidDataException($"weights file '{path}' has a tensor '{extra}' this branch does not have: it was saved from another architecture.");
        }
        module.load(path, strict: true);
    }

    /// <summary>The file beside a weights file that lists its tensors' shapes.</summary>
    internal static string SidecarOf(string path) => path + ".json";
}
