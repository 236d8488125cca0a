using TorchSharp;

namespace Taxonomy.Abstractions.Training;

/// <summary>
/// The byte layout of one tensor in a model file: dtype code (int32), rank (int32), each size (int64), then the
/// elements little-endian in row-major order. Reading checks every count against the bytes left, so a damaged file is
/// an <see cref="InvalidDataException"/>, never a huge allocation.
/// </summary>
public static class TensorFormat
{
    private static readonly torch.ScalarType[] s_types =
        [torch.ScalarType.Float32, torch.ScalarType.Float64, torch.ScalarType.Int32, torch.ScalarType.Int64];

    public static void Write(BinaryWriter writer, torch.Tensor tensor)
    {
        var code = Array.IndexOf(s_types, tensor.dtype);
        if (code < 0)
        {
            throw new ArgumentException($"a model file holds float32, float64, int32 or int64 tensors, not {tensor.dtype}");
        }
        using var contiguous = tensor.detach().cpu().contiguous();
        writer.Write(code);
        writer.Write(contiguous.shape.Length);
        foreach (var size in contiguous.shape)
        {
            writer.Write(size);
        }
        writer.Write(contiguous.bytes);
    }

    public static torch.Tensor Read(BinaryReader reader)
    {
        var code = reader.ReadInt32();
        if ((uint)code >= (uint)s_types.Length)
        {
            throw new InvalidDataException($"unknown tensor type code {code}");
        }
        var rank = reader.ReadInt32();
        if (rank is < 0 or > 8)
        {
            throw new InvalidDataException($"a tensor of rank {rank}");
        }
        var shape = new long[rank];
        long elements = 1;
        for (var i = 0; i < rank; i++)
        {
            shape[i] = reader.ReadInt64();
            if (shape[i] < 0 || (shape[i] > 0 && elements > long.MaxValue / shape[i]))
            {
                throw new InvalidDataException($"a tensor of size {shape[i]} in dimension {i}");
            }
            elements *= shape[i];
        }
        var type = s_types[code];
        var width = type is torch.ScalarType.Float32 or torch.ScalarType.Int32 ? 4 : 8;
        var length = elements * width;
        if (length > Remaining(reader))
        {
            throw new InvalidDataException($"a tensor of {elements} elements, but only {Remaining(reader)} bytes are left");
        }
        var result = torch.empty(shape, type);
        if (reader.BaseStream.ReadAtLeast(result.bytes, checked((int)length), throwOnEndOfStream: false) != length)
        {
            result.Dispose();
            throw new InvalidDataException($"a tensor of {elements} elements is cut short");
        }
        return result;
    }

    /// <summary>An element count, checked against the bytes left for elements of <paramref name="width"/> bytes.</summary>
    public static int ReadCount(BinaryReader reader, int width)
    {
        var count = reader.ReadInt32();
        if (count < 0 || (long)count * width > Remaining(reader))
        {
            throw new InvalidDataException($"a count of {count} elements, but only {Remaining(reader)} bytes are left");
        }
        return count;
    }

    private static long Remaining(BinaryReader reader) =>
        reader.BaseStream.CanSeek ? reader.BaseStream.Length - reader.BaseStream.Position : long.MaxValue;
}
