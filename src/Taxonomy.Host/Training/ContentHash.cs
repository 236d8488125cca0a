using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Taxonomy.Host.Training;

/// <summary>
/// SHA-256 of data files, so the pre-training cache is keyed by what the data holds, not where it lies. Each file is
/// hashed once and remembered by full path, size and modification time in <c>content-hashes.json</c> under the cache
/// folder, so 70,000 images are not read again on every run.
/// </summary>
internal sealed class ContentHash(string cacheDirectory)
{
    /// <summary>
    /// A file changed this recently may change again within the same timestamp tick, keeping size and modification time
    /// while its contents differ: it is hashed, but not remembered.
    /// </summary>
    private static readonly TimeSpan s_settled = TimeSpan.FromSeconds(2);

    private string IndexPath => Path.Combine(cacheDirectory, "content-hashes.json");

    /// <summary>
    /// The hash of a file, or of a folder's files (names and contents); null when the contents cannot be read ahead of the
    /// data (a pipe or device, which report no length, or a file gone since), so the data cannot be keyed.
    /// </summary>
    public string? Of(string fileOrFolder)
    {
        var index = ReadIndex();
        var changed = false;
        string? Hash(FileInfo file)
        {
            if (file.Length == 0)
            {
                return null;
            }
            var memo = $"{file.Length}:{file.LastWriteTimeUtc.Ticks}";
            if (index[file.FullName] is JsonObject known && Text(known["stamp"]) == memo && Text(known["sha256"]) is { } remembered)
            {
                return remembered;
            }
            string hash;
            try
            {
                hash = HashFile(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return null;   // gone or locked since the data was read: this run is simply not cached
            }
            if (DateTime.UtcNow - file.LastWriteTimeUtc > s_settled)
            {
                index[file.FullName] = new JsonObject { ["stamp"] = memo, ["sha256"] = hash };
                changed = true;
            }
            return hash;
        }

        string? result;
        if (Directory.Exists(fileOrFolder))
        {
            // Every file counts, since the reader picks its files by name; one that cannot be hashed (a pipe, which
            // reports no length as an empty file does) leaves the folder unkeyed.
            var parts = new StringBuilder();
            foreach (var file in new DirectoryInfo(fileOrFolder).EnumerateFiles().OrderBy(f => f.Name, StringComparer.Ordinal))
            {
                if (Hash(file) is not { } hash)
                {
                    parts = null;
                    break;
                }
                parts.Append(file.Name).Append('\0').Append(hash).Append('\n');
            }
            result = parts is null ? null : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(parts.ToString())));
        }
        else
        {
            result = Hash(new FileInfo(fileOrFolder));
        }
        if (changed)
        {
            WriteIndex(index);
        }
        return result;
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static string HashFile(FileInfo file)
    {
        using var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>The remembered hashes; an unreadable index is only a lost memo, so it starts afresh.</summary>
    private JsonObject ReadIndex()
    {
        try
        {
            return File.Exists(IndexPath) && JsonNode.Parse(File.ReadAllText(IndexPath)) is JsonObject index ? index : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return [];
        }
    }

    /// <summary>Replaced whole, so two runs at once lose at most each other's new entries, which are hashed again.</summary>
    private void WriteIndex(JsonObject index)
    {
        try
        {
            Directory.CreateDirectory(cacheDirectory);
            AtomicFile.Write(IndexPath, Encoding.UTF8.GetBytes(index.ToJsonString()));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Without the memo the files are hashed again next time; the key is the same.
        }
    }
}
