using System.IO.Compression;

namespace Taxonomy.Blocks.Data;

/// <summary>Opens a file or stream that may be gzip-compressed, judging by its content rather than its name.</summary>
internal static class CompressedFile
{
    public static Stream Open(string path)
    {
        try
        {
            return Open(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException($"{path}: cannot open the file: {e.Message}", e);
        }
    }

    /// <summary>Opens the file, reads it with <paramref name="read"/>, and reports corrupt gzip data as a <see cref="DataException"/>.</summary>
    public static T Read<T>(string path, Func<Stream, T> read)
    {
        using var stream = Open(path);
        try
        {
            return read(stream);
        }
        catch (InvalidDataException e)
        {
            throw new DataException($"{path}: corrupt gzip data: {e.Message}", e);
        }
    }

    /// <summary>Wraps a seekable stream in a decompressor when it starts with the gzip magic 0x1f 0x8b.</summary>
    public static Stream Open(Stream stream)
    {
        if (!stream.CanSeek)
        {
            throw new ArgumentException("The stream must be seekable to detect gzip.", nameof(stream));
        }
        var start = stream.Position;
        int first = stream.ReadByte(), second = stream.ReadByte();
        stream.Position = start;
        return first == 0x1f && second == 0x8b
            ? new BufferedStream(new GZipStream(stream, CompressionMode.Decompress), 1 << 16)
            : stream;
    }
}
