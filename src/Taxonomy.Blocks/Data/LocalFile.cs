namespace Taxonomy.Blocks.Data;

/// <summary>
/// Whether a path names a file that can be read to its end. A FIFO, socket or device would block or never end when
/// opened; .NET does not say what kind of file a path is, but all of them report a size of 0, so a file of size 0 is
/// refused without being opened (an empty regular file has nothing to read either). Symbolic links are followed.
/// </summary>
public static class LocalFile
{
    /// <summary>Null when <paramref name="path"/> is a non-empty file; otherwise what it is instead, for a message.</summary>
    public static string? Problem(string path)
    {
        if (Directory.Exists(path))
        {
            return "is a folder, not a file";
        }
        FileInfo file;
        try
        {
            file = new FileInfo(path);
            file = file.LinkTarget is null ? file : file.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? file;
        }
        catch (IOException e)
        {
            return $"cannot follow the link: {e.Message}";
        }
        if (!file.Exists)
        {
            return "no such file";
        }
        return file.Length == 0 ? "the file is empty, or is not a regular file (a FIFO, socket or device)" : null;
    }
}
