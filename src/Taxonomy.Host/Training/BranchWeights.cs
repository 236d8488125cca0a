using System.Security.Cryptography;
using TorchSharp;

namespace Taxonomy.Host.Training;

/// <summary>
/// Saves and loads a branch's weights (TorchSharp format) with a sidecar holding the file's SHA-256 and every tensor's
/// name and shape. Loading verifies the checksum, the file's own table of tensors and the branch's shapes first, so a
/// damaged file or one made for another architecture or data shape is refused with a clear message, never half-loaded.
/// </summary>
public static class BranchWeights
{
    /// <summary>Writes the weights and their sidecar, each through a temporary file of its own, then renamed into place.</summary>
    public static void Save(torch.nn.Module module, string path)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            module.save(writer);
        }
        var bytes = buffer.ToArray();
        var sidecar = WeightsSidecar.For(bytes, WeightsLayout.Read(bytes, path));
        AtomicFile.Write(path, bytes);
        AtomicFile.Write(WeightsSidecar.PathOf(path), sidecar.ToJson());
    }

    /// <summary>Verifies and loads; throws <see cref="InvalidDataException"/> (or <see cref="FileNotFoundException"/>) naming what does not match.</summary>
    public static void Load(torch.nn.Module module, string path)
    {
        try
        {
            var weights = Verify(path);
            CheckArchitecture(module, weights);
            LoadVerified(module, weights);
        }
        catch (DamagedWeightsException e)
        {
            throw new InvalidDataException(e.Message, e);
        }
    }

    /// <summary>
    /// Everything that needs no module: the file is there and readable, matches its sidecar's length and checksum, and
    /// its table of tensors is whole and agrees with the sidecar. A first-format sidecar (no checksum) is accepted only
    /// when <paramref name="requireChecksum"/> is false. Throws <see cref="FileNotFoundException"/> or
    /// <see cref="DamagedWeightsException"/>.
    /// </summary>
    public static VerifiedWeights Verify(string path, bool requireChecksum = false)
    {
        if (Directory.Exists(path))
        {
            throw new DamagedWeightsException("a folder", $"weights file '{path}' is a folder; give the .pt file saved by a run (e.g. runs/NAME/branch.pt).");
        }
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"weights file '{path}' not found.", path);
        }
        var sidecar = WeightsSidecar.Read(path);
        // A pipe or device reports no length, like an empty file: never read one, it may not end.
        if (new FileInfo(path).Length == 0)
        {
            throw new DamagedWeightsException("empty", $"weights file '{path}' is empty (0 bytes).");
        }
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DamagedWeightsException("unreadable", $"weights file '{path}' cannot be read: {e.Message}");
        }
        var sidecarName = System.IO.Path.GetFileName(WeightsSidecar.PathOf(path));
        if (!sidecar.HasChecksum && requireChecksum)
        {
            throw new DamagedWeightsException("no checksum", $"weights file '{path}': its sidecar '{sidecarName}' has no checksum.");
        }
        if (sidecar.Bytes is { } expected && expected != bytes.Length)
        {
            throw new DamagedWeightsException(bytes.Length < expected ? "truncated" : "size mismatch",
                $"weights file '{path}' is {bytes.Length} bytes, but its sidecar '{sidecarName}' says {expected}: " +
                "it was cut short or changed after it was saved.");
        }
        if (sidecar.Sha256 is { } sha && Convert.ToHexStringLower(SHA256.HashData(bytes)) != sha)
        {
            throw new DamagedWeightsException("checksum mismatch",
                $"weights file '{path}' does not match the SHA-256 checksum in its sidecar '{sidecarName}': it was damaged or changed after it was saved.");
        }
        var tensors = WeightsLayout.Read(bytes, path);
        var disagreement = tensors.FirstOrDefault(t => !sidecar.Tensors.TryGetValue(t.Name, out var shape) || !shape.SequenceEqual(t.Shape));
        if (disagreement is not null || tensors.Count != sidecar.Tensors.Count)
        {
            throw new DamagedWeightsException("sidecar mismatch",
                $"weights file '{path}' holds other tensors than its sidecar '{sidecarName}' lists" +
                (disagreement is null ? "" : $" (first: '{disagreement.Name}')") + ": the two do not belong together.");
        }
        return new VerifiedWeights(path, bytes, tensors, sidecar.HasChecksum);
    }

    /// <summary>Every tensor of the module is in the file with the same shape and type, and the file has no other.</summary>
    public static void CheckArchitecture(torch.nn.Module module, VerifiedWeights weights)
    {
        var path = weights.Path;
        var stored = weights.Tensors.ToDictionary(t => t.Name);
        var expected = module.state_dict();
        foreach (var (name, tensor) in expected)
        {
            if (!stored.TryGetValue(name, out var saved))
            {
                throw Architecture($"weights file '{path}' has no tensor '{name}': it was saved from another architecture.");
            }
            if (!saved.Shape.SequenceEqual(tensor.shape))
            {
                throw Architecture(
                    $"weights file '{path}' has '{name}' of shape [{string.Join(", ", saved.Shape)}], but this branch needs " +
                    $"[{string.Join(", ", tensor.shape)}]: it was saved for another architecture or data shape.");
            }
            if (saved.Type != tensor.dtype)
            {
                throw Architecture($"weights file '{path}' has '{name}' of type {saved.Type}, but this branch needs {tensor.dtype}.");
            }
        }
        var extra = stored.Keys.Except(expected.Keys).FirstOrDefault();
        if (extra is not null)
        {
            throw Architecture($"weights file '{path}' has a tensor '{extra}' this branch does not have: it was saved from another architecture.");
        }
    }

    /// <summary>
    /// Copies verified weights into the module. Should TorchSharp's reader still fail, the module gets its previous
    /// values back, so a caller that goes on (the cache, training afresh) never trains from a half-loaded network.
    /// </summary>
    public static void LoadVerified(torch.nn.Module module, VerifiedWeights weights)
    {
        var backup = Snapshot(module);
        try
        {
            using var reader = new BinaryReader(new MemoryStream(weights.Bytes, writable: false), System.Text.Encoding.UTF8);
            module.load(reader, strict: true);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Restore(module, backup);
            throw new DamagedWeightsException("unreadable by TorchSharp", $"weights file '{weights.Path}' could not be loaded: {e.Message}");
        }
        finally
        {
            foreach (var tensor in backup.Values)
            {
                tensor.Dispose();
            }
        }
    }

    /// <summary>
    /// A <c>branch.weights</c> path as a run opens it: a relative path that does not exist from the current folder is
    /// taken from the manifest's folder.
    /// </summary>
    public static string Resolve(string path, string? manifestDirectory) =>
        System.IO.Path.IsPathRooted(path) || manifestDirectory is null || File.Exists(path) ? path : System.IO.Path.Combine(manifestDirectory, path);

    /// <summary>The file beside a weights file that holds its checksum and shapes.</summary>
    internal static string SidecarOf(string path) => WeightsSidecar.PathOf(path);

    private static DamagedWeightsException Architecture(string message) => new("another architecture", message);

    private static Dictionary<string, torch.Tensor> Snapshot(torch.nn.Module module)
    {
        using var noGrad = torch.no_grad();
        var copies = new Dictionary<string, torch.Tensor>();
        foreach (var (name, tensor) in module.state_dict())
        {
            using var detached = tensor.detach();
            copies[name] = detached.clone();
        }
        return copies;
    }

    private static void Restore(torch.nn.Module module, Dictionary<string, torch.Tensor> backup)
    {
        using var noGrad = torch.no_grad();
        foreach (var (name, tensor) in module.state_dict())
        {
            tensor.copy_(backup[name]);
        }
    }
}
