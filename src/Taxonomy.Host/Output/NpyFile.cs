using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using Taxonomy.Host.Training;
using TorchSharp;

namespace Taxonomy.Host.Output;

/// <summary>
/// NumPy .npy files, format version 1.0: the magic "\x93NUMPY", the version bytes 1 0, a little-endian uint16 header
/// length, then a Python dict literal (<c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (n, d), }</c>) padded
/// with spaces and ended by a newline so the data starts at a multiple of 64 bytes, then the values in C order. Written
/// are 2-D float32 arrays (an embedding) and 1-D int32 arrays (cluster assignments); <c>numpy.load</c> reads both.
/// </summary>
public static partial class NpyFile
{
    private static readonly byte[] s_magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
    private const int Alignment = 64;
    /// <summary>Magic, two version bytes and the header length.</summary>
    private const int PreambleLength = 10;
    /// <summary>Rows copied out of the tensor at a time, so a large array is never held twice in memory.</summary>
    private const int ChunkBytes = 1 << 20;

    /// <summary>Writes a float32 [n, d] CPU tensor as a 2-D '&lt;f4' array, replacing the file in one rename.</summary>
    public static void WriteFloat32(string path, torch.Tensor values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.dim() != 2 || values.dtype != torch.float32 || values.device_type != DeviceType.CPU)
        {
            throw new ArgumentException(
                $"{path}: expected a 2-D float32 CPU tensor, got {values.dtype} [{string.Join(", ", values.shape)}] on {values.device_type}.",
                nameof(values));
        }
        var (rows, columns) = (values.shape[0], values.shape[1]);
        WriteAtomically(path, Header("<f4", [rows, columns]), stream =>
        {
            var chunk = Math.Max(1, ChunkBytes / Math.Max(1, columns * sizeof(float)));
            for (long start = 0; start < rows; start += chunk)
            {
                using var slice = values.narrow(0, start, Math.Min(chunk, rows - start)).contiguous();
                stream.Write(slice.bytes);
            }
        });
    }

    /// <summary>Writes integers as a 1-D '&lt;i4' array, replacing the file in one rename.</summary>
    public static void WriteInt32(string path, ReadOnlySpan<int> values)
    {
        var bytes = MemoryMarshal.AsBytes(values).ToArray();
        WriteAtomically(path, Header("<i4", [values.Length]), stream => stream.Write(bytes));
    }

    /// <summary>A 2-D '&lt;f4' array: its shape and its values in row order.</summary>
    public static (long Rows, long Columns, float[] Values) ReadFloat32(string path)
    {
        var (shape, data) = Read(path, "<f4", dimensions: 2);
        return (shape[0], shape[1], MemoryMarshal.Cast<byte, float>(data).ToArray());
    }

    /// <summary>A 1-D '&lt;i4' array.</summary>
    public static int[] ReadInt32(string path) => MemoryMarshal.Cast<byte, int>(Read(path, "<i4", dimensions: 1).Data).ToArray();

    /// <summary>The magic, version, header length and dict, padded so the data that follows starts at a multiple of 64.</summary>
    internal static byte[] Header(string descr, long[] shape)
    {
        var sizes = shape.Length == 1
            ? $"({shape[0].ToString(CultureInfo.InvariantCulture)},)"
            : $"({string.Join(", ", shape.Select(s => s.ToString(CultureInfo.InvariantCulture)))})";
        var dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {sizes}, }}";
        var total = (PreambleLength + dict.Length + 1 + Alignment - 1) / Alignment * Alignment;
        var text = dict.PadRight(total - PreambleLength - 1) + "\n";
        var header = new byte[total];
        s_magic.CopyTo(header, 0);
        header[6] = 1;
        header[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), checked((ushort)text.Length));
        Encoding.ASCII.GetBytes(text, header.AsSpan(PreambleLength));
        return header;
    }

    private static void WriteAtomically(string path, byte[] header, Action<Stream> writeData)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("NpyFile writes little-endian arrays and needs a little-endian machine.");
        }
        var temporary = AtomicFile.TemporaryNameFor(path);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(header);
                writeData(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);   // only left when the move did not happen
        }
    }

    [GeneratedRegex(@"^\{\s*'descr':\s*'(?<descr>[^']*)',\s*'fortran_order':\s*(?<fortran>True|False),\s*'shape':\s*\((?<shape>[^)]*)\),?\s*\}\s*$")]
    private static partial Regex Dict();

    private static (long[] Shape, byte[] Data) Read(string path, string descr, int dimensions)
    {
        var bytes = File.ReadAllBytes(path);
        InvalidDataException Bad(string why) => new($"{path}: not a NumPy .npy file of the expected kind: {why}.");
        if (bytes.Length < PreambleLength || !bytes.AsSpan(0, s_magic.Length).SequenceEqual(s_magic))
        {
            throw Bad("it does not begin with the magic \\x93NUMPY");
        }
        if (bytes[6] != 1 || bytes[7] != 0)
        {
            throw Bad($"format version {bytes[6]}.{bytes[7]}, expected 1.0");
        }
        var length = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        if (PreambleLength + length > bytes.Length)
        {
            throw Bad($"the header claims {length} bytes but the file holds {bytes.Length - PreambleLength} after the preamble");
        }
        var text = Encoding.ASCII.GetString(bytes, PreambleLength, length);
        if (!text.EndsWith('\n'))
        {
            throw Bad("the header does not end with a newline");
        }
        var match = Dict().Match(text);
        if (!match.Success)
        {
            throw Bad($"unreadable header {text.TrimEnd()}");
        }
        if (match.Groups["descr"].Value != descr)
        {
            throw Bad($"dtype '{match.Groups["descr"].Value}', expected '{descr}'");
        }
        if (match.Groups["fortran"].Value != "False")
        {
            throw Bad("Fortran order, expected C order");
        }
        var sizes = match.Groups["shape"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var shape = new long[sizes.Length];
        for (var i = 0; i < sizes.Length; i++)
        {
            if (!long.TryParse(sizes[i], NumberStyles.None, CultureInfo.InvariantCulture, out shape[i]))
            {
                throw Bad($"shape ({match.Groups["shape"].Value}) is not a list of sizes");
            }
        }
        if (shape.Length != dimensions)
        {
            throw Bad($"{shape.Length} dimensions, expected {dimensions}");
        }
        var expected = shape.Aggregate(4L, (product, size) => checked(product * size));
        var found = bytes.Length - PreambleLength - length;
        if (found != expected)
        {
            throw Bad($"the shape ({string.Join(", ", shape)}) needs {expected} bytes of data, the file holds {found}");
        }
        return (shape, bytes[(PreambleLength + length)..]);
    }
}
