using System.Text;
using TorchSharp;

namespace Taxonomy.Host.Training;

/// <summary>One tensor as a weights file stores it.</summary>
public sealed record StoredTensor(string Name, torch.ScalarType Type, long[] Shape);

/// <summary>
/// Reads the table of contents of a TorchSharp weights file (the format of <c>Module.save</c>: a LEB128 count, then per
/// tensor its name, LEB128 type, rank and sizes, and the raw elements) without loading it, so a cut, padded or foreign
/// file is refused before TorchSharp's reader, which would fail half-way through the module, ever sees it.
/// </summary>
internal static class WeightsLayout
{
    private const int MaxRank = 64;

    /// <summary>The stored tensors; throws <see cref="DamagedWeightsException"/> unless the bytes are exactly such a file.</summary>
    public static IReadOnlyList<StoredTensor> Read(byte[] bytes, string path)
    {
        var tensors = new List<StoredTensor>();
        using var reader = new BinaryReader(new MemoryStream(bytes, writable: false), Encoding.UTF8);
        try
        {
            var count = reader.Read7BitEncodedInt64();
            for (long i = 0; i < count; i++)
            {
                var name = reader.ReadString();
                var type = (torch.ScalarType)reader.Read7BitEncodedInt64();
                var rank = reader.Read7BitEncodedInt64();
                if (ElementSize(type) is not { } size || rank is < 0 or > MaxRank)
                {
                    throw Foreign(path, $"tensor {i + 1} ('{name}') has an unknown type or rank");
                }
                var shape = new long[rank];
                for (var d = 0; d < rank; d++)
                {
                    shape[d] = reader.Read7BitEncodedInt64();
                }
                if (shape.Any(dimension => dimension < 0))
                {
                    throw Foreign(path, $"tensor '{name}' has a negative size");
                }
                var length = shape.Aggregate(size, (total, dimension) => checked(total * dimension));
                if (length > bytes.Length - reader.BaseStream.Position)
                {
                    throw Truncated(path, $"tensor '{name}' needs {length} bytes, only {bytes.Length - reader.BaseStream.Position} are left");
                }
                reader.BaseStream.Seek(length, SeekOrigin.Current);
                tensors.Add(new StoredTensor(name, type, shape));
            }
        }
        catch (Exception e) when (e is EndOfStreamException)
        {
            throw Truncated(path, $"it ends inside tensor {tensors.Count + 1}'s header");
        }
        catch (Exception e) when (e is FormatException or OverflowException or DecoderFallbackException)
        {
            throw Foreign(path, "its header cannot be decoded");
        }
        var trailing = bytes.Length - reader.BaseStream.Position;
        return trailing == 0 ? tensors : throw Foreign(path, $"{trailing} bytes follow its last tensor");
    }

    private static long? ElementSize(torch.ScalarType type) => type switch
    {
        torch.ScalarType.Byte or torch.ScalarType.Int8 or torch.ScalarType.Bool => 1,
        torch.ScalarType.Int16 or torch.ScalarType.Float16 or torch.ScalarType.BFloat16 => 2,
        torch.ScalarType.Int32 or torch.ScalarType.Float32 => 4,
        torch.ScalarType.Int64 or torch.ScalarType.Float64 or torch.ScalarType.ComplexFloat32 => 8,
        torch.ScalarType.ComplexFloat64 => 16,
        _ => null,
    };

    private static DamagedWeightsException Truncated(string path, string detail) =>
        new("truncated", $"weights file '{path}' is truncated ({detail}).");

    private static DamagedWeightsException Foreign(string path, string detail) =>
        new("not a weights file", $"weights file '{path}' is not a weights file saved by taxonomy, or is corrupt ({detail}).");
}
