using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;

namespace Taxonomy.Blocks.Data;

/// <summary>
/// Opens a file or stream that may be gzip-compressed, judging by its content rather than its name, and checks gzip
/// data to its end: GZipStream returns a cut file as a shorter one without complaint, so the decompressed bytes are
/// compared with the CRC-32 and size the file's last 8 bytes (the gzip trailer) record.
/// </summary>
internal static class CompressedFile
{
    private const int TrailerLength = 8;
    private const int SmallestGzip = 20;   // a 10-byte header, a 2-byte empty deflate block, the trailer

    public static Stream Open(string path)
    {
        if (LocalFile.Problem(path) is { } problem)
        {
            throw new DataException($"{path}: {problem}.");
        }
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException($"{path}: cannot open the file: {e.Message}", e);
        }
        try
        {
            if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) && !IsGzip(file))
            {
                throw new DataException($"{path}: the name ends in .gz but the file is not gzip-compressed (it does not start with 1f 8b).");
            }
            return Open(file);
        }
        catch (DataException)
        {
            file.Dispose();
            throw;
        }
        catch (InvalidDataException e)
        {
            file.Dispose();
            throw new DataException($"{path}: corrupt gzip data: {e.Message}", e);
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

    /// <summary>
    /// Wraps a seekable stream in a checked decompressor when it starts with the gzip magic 0x1f 0x8b. Reading the
    /// decompressor to its end throws <see cref="InvalidDataException"/> when the data does not match the trailer.
    /// </summary>
    public static Stream Open(Stream stream)
    {
        if (!stream.CanSeek)
        {
            throw new ArgumentException("The stream must be seekable to detect gzip.", nameof(stream));
        }
        if (!IsGzip(stream))
        {
            return stream;
        }
        var (crc, size) = Trailer(stream);
        return new BufferedStream(new CheckedGzipStream(new GZipStream(stream, CompressionMode.Decompress), crc, size), 1 << 16);
    }

    /// <summary>
    /// How many bytes the file holds once decompressed: its length, or for gzip the size its trailer records (exact
    /// below 4 GB; a damaged trailer is caught when the data is read).
    /// </summary>
    public static (long Length, bool Compressed) ContentLength(string path)
    {
        using var stream = Open(path);
        return stream is BufferedStream { UnderlyingStream: CheckedGzipStream gzip } ? (gzip.RecordedSize, true) : (stream.Length, false);
    }

    /// <summary>True when <paramref name="stream"/> has nothing left; reading a gzip stream to its end checks its trailer.</summary>
    public static bool AtEnd(Stream stream) => stream.ReadByte() < 0;

    private static bool IsGzip(Stream stream)
    {
        var start = stream.Position;
        int first = stream.ReadByte(), second = stream.ReadByte();
        stream.Position = start;
        return first == 0x1f && second == 0x8b;
    }

    private static (uint Crc, uint Size) Trailer(Stream stream)
    {
        var start = stream.Position;
        if (stream.Length - start < SmallestGzip)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"the file is truncated: {stream.Length - start} bytes are too few for gzip data and its 8-byte trailer."));
        }
        Span<byte> trailer = stackalloc byte[TrailerLength];
        stream.Position = stream.Length - TrailerLength;
        stream.ReadExactly(trailer);
        stream.Position = start;
        return (BinaryPrimitives.ReadUInt32LittleEndian(trailer), BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]));
    }

    /// <summary>Decompressed gzip data whose CRC-32 and size (mod 2^32) are compared with the trailer's at the end.</summary>
    private sealed class CheckedGzipStream(Stream inner, uint recordedCrc, uint recordedSize) : Stream
    {
        private Crc32 _crc = new();
        private long _length;

        public uint RecordedSize => recordedSize;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var read = inner.Read(buffer);
            if (read > 0)
            {
                _crc.Append(buffer[..read]);
                _length += read;
            }
            else if (buffer.Length > 0 && (_crc.Value != recordedCrc || (uint)_length != recordedSize))
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"the file is truncated or damaged: it decompresses to {_length} bytes with CRC-32 {_crc.Value:x8}, but its gzip " +
                    $"trailer records {recordedSize} bytes with CRC-32 {recordedCrc:x8} (several gzip files joined into one are not read either)."));
            }
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
