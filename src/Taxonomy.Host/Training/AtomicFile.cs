namespace Taxonomy.Host.Training;

/// <summary>
/// Replaces a file in one rename: the content goes to a temporary name unique to this writer in the same folder, so a
/// reader sees the old file or the new one, never a half-written one, and two writers never share a temporary file.
/// </summary>
internal static class AtomicFile
{
    public static void Write(string path, ReadOnlySpan<byte> content)
    {
        var temporary = TemporaryNameFor(path);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);   // only left when the move did not happen
        }
    }

    /// <summary>A name beside <paramref name="path"/> that no other writer uses, ending in ".partial".</summary>
    public static string TemporaryNameFor(string path) => $"{path}.{Environment.ProcessId}-{Guid.NewGuid():N}.partial";
}
