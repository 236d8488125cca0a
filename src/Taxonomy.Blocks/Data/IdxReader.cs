using System.Buffers.Binary;
using System.Text.RegularExpressions;
using Taxonomy.Abstractions.Data;
using TorchSharp;

namespace Taxonomy.Blocks.Data;

/// <summary>
/// Reads IDX files, the MNIST format: a big-endian header (magic 0x0000TTDD: data type TT, DD dimensions,
/// then DD int32 sizes) followed by the raw data. Only unsigned bytes (TT = 0x08) are supported, which is
/// what MNIST-like image and label files use. Files may be gzip-compressed, whatever their name.
/// </summary>
public static partial class IdxReader
{
    public const int ImagesMagic = 0x00000803;
    public const int LabelsMagic = 0x00000801;
    private const byte UnsignedByte = 0x08;

    /// <summary>Images as float32 [n, 1, rows, cols] with the raw 0..255 values (scaling is a preprocessor's job).</summary>
    public static torch.Tensor ReadImages(string path)
    {
        var (pixels, sizes) = ReadUnsignedBytes(path, ImagesMagic, "images");
        return ToImageTensor(pixels, sizes[0], sizes[1], sizes[2]);
    }

    public static int[] ReadLabels(string path)
    {
        var (bytes, _) = ReadUnsignedBytes(path, LabelsMagic, "labels");
        return Array.ConvertAll(bytes, b => (int)b);
    }

    /// <summary>
    /// Reads every <c>PREFIX-images-idx3-ubyte[.gz]</c> in a folder with its <c>PREFIX-labels-idx1-ubyte[.gz]</c>,
    /// "train" first, then "t10k", then any other prefix alphabetically, and concatenates them
    /// (so Fashion-MNIST gives all 70,000 images).
    /// </summary>
    public static Dataset ReadFolder(string folder, string? name = null)
    {
        var parts = FindParts(folder);
        var withLabels = parts.Where(p => p.Labels is not null).ToList();
        if (withLabels.Count > 0 && withLabels.Count < parts.Count)
        {
            var missing = parts.First(p => p.Labels is null);
            throw new DataException(
                $"{folder}: {Path.GetFileName(missing.Images)} has no labels file ({missing.Prefix}-labels-idx1-ubyte[.gz]) " +
                $"while {Path.GetFileName(withLabels[0].Images)} has one: add the missing labels, or remove the labels files.");
        }

        var images = new List<(byte[] Pixels, int[] Sizes, string File)>();
        var labels = new List<int>();
        foreach (var part in parts)
        {
            var (pixels, sizes) = ReadUnsignedBytes(part.Images, ImagesMagic, "images");
            if (images.Count > 0 && (sizes[1] != images[0].Sizes[1] || sizes[2] != images[0].Sizes[2]))
            {
                throw new DataException(
                    $"{part.Images}: images are {sizes[1]}×{sizes[2]} but those of {images[0].File} are " +
                    $"{images[0].Sizes[1]}×{images[0].Sizes[2]}; all files in a folder must have the same image size.");
            }
            images.Add((pixels, sizes, part.Images));
            if (part.Labels is not null)
            {
                var partLabels = ReadLabels(part.Labels);
                CheckCounts(part.Images, sizes[0], part.Labels, partLabels.Length);
                labels.AddRange(partLabels);
            }
        }

        // One contiguous byte buffer, converted to float by torch: avoids a managed float copy of ~220 MB.
        var all = images.Count == 1 ? images[0].Pixels : Concat(images.Select(i => i.Pixels));
        var count = images.Sum(i => i.Sizes[0]);
        var features = ToImageTensor(all, count, images[0].Sizes[1], images[0].Sizes[2]);
        var fullPath = Path.GetFullPath(folder);
        return new Dataset(
            name ?? Path.GetFileName(fullPath.TrimEnd(Path.DirectorySeparatorChar)),
            features,
            withLabels.Count > 0 ? labels.ToArray() : null,
            $"IDX folder {fullPath} ({string.Join(" + ", parts.Select(p => Path.GetFileName(p.Images)))})");
    }

    /// <summary>Reads one images file and, if given, its labels file.</summary>
    public static Dataset Read(string imagesPath, string? labelsPath = null, string? name = null)
    {
        var (pixels, sizes) = ReadUnsignedBytes(imagesPath, ImagesMagic, "images");
        int[]? labels = null;
        if (labelsPath is not null)
        {
            labels = ReadLabels(labelsPath);
            CheckCounts(imagesPath, sizes[0], labelsPath, labels.Length);
        }
        return new Dataset(
            name ?? Path.GetFileName(imagesPath),
            ToImageTensor(pixels, sizes[0], sizes[1], sizes[2]),
            labels,
            Path.GetFullPath(imagesPath));
    }

    internal sealed record Part(string Prefix, string Images, string? Labels);

    internal static IReadOnlyList<Part> FindParts(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new DataException($"{folder}: the folder does not exist.");
        }
        var parts = new List<Part>();
        foreach (var group in Directory.EnumerateFiles(folder)
                     .Select(f => (File: f, Match: ImagesName().Match(Path.GetFileName(f))))
                     .Where(x => x.Match.Success)
                     .GroupBy(x => x.Match.Groups["prefix"].Value))
        {
            // If both a raw and a gzip copy exist, prefer the raw one (it is the faster read).
            var images = group.OrderBy(x => x.File.EndsWith(".gz", StringComparison.Ordinal)).First().File;
            parts.Add(new Part(group.Key, images, FindLabels(folder, group.Key)));
        }
        if (parts.Count == 0)
        {
            throw new DataException(
                $"{folder}: no IDX image files found (expected names like train-images-idx3-ubyte or t10k-images-idx3-ubyte.gz).");
        }
        return parts.OrderBy(p => p.Prefix switch { "train" => 0, "t10k" or "test" => 1, _ => 2 })
                    .ThenBy(p => p.Prefix, StringComparer.Ordinal)
                    .ToList();
    }

    private static string? FindLabels(string folder, string prefix) =>
        new[] { "-labels-idx1-ubyte", "-labels.idx1-ubyte" }
            .SelectMany(stem => new[] { stem, stem + ".gz" })
            .Select(suffix => Path.Combine(folder, prefix + suffix))
            .FirstOrDefault(File.Exists);

    [GeneratedRegex(@"^(?<prefix>.+)-images[-.]idx3-ubyte(\.gz)?$")]
    private static partial Regex ImagesName();

    private static void CheckCounts(string imagesPath, int images, string labelsPath, int labels)
    {
        if (images != labels)
        {
            throw new DataException(
                $"{imagesPath} has {images} images but {labelsPath} has {labels} labels; they must match one to one.");
        }
    }

    /// <summary>Reads a ubyte IDX file: its data bytes and the sizes from its header.</summary>
    internal static (byte[] Data, int[] Sizes) ReadUnsignedBytes(string path, int expectedMagic, string what)
    {
        using var stream = CompressedFile.Open(path);
        try
        {
            return ReadUnsignedBytes(stream, path, expectedMagic, what);
        }
        catch (InvalidDataException e)
        {
            throw new DataException($"{path}: corrupt gzip data: {e.Message}", e);
        }
    }

    private static (byte[] Data, int[] Sizes) ReadUnsignedBytes(Stream stream, string path, int expectedMagic, string what)
    {
        var header = new byte[4];
        if (ReadFully(stream, header) < 4)
        {
            throw new DataException($"{path}: truncated file: too short for an IDX header (4-byte magic number).");
        }
        var magic = BinaryPrimitives.ReadInt32BigEndian(header);
        var type = header[2];
        var dimensions = header[3];
        var expectedDimensions = expectedMagic & 0xff;
        if (header[0] != 0 || header[1] != 0)
        {
            throw new DataException(
                $"{path}: not an IDX {what} file: magic number 0x{magic:X8}, expected 0x{expectedMagic:X8}.");
        }
        if (type != UnsignedByte)
        {
            throw new DataException(
                $"{path}: unsupported IDX data type 0x{type:X2} (magic 0x{magic:X8}); only unsigned bytes (0x08) are supported.");
        }
        if (dimensions != expectedDimensions)
        {
            throw new DataException(
                $"{path}: wrong magic number for an IDX {what} file: found 0x{magic:X8} ({dimensions} dimensions), " +
                $"expected 0x{expectedMagic:X8} ({expectedDimensions} dimensions).");
        }

        var sizeBytes = new byte[4 * dimensions];
        if (ReadFully(stream, sizeBytes) < sizeBytes.Length)
        {
            throw new DataException($"{path}: truncated file: the header ends before its {dimensions} dimension sizes.");
        }
        var sizes = new int[dimensions];
        long total = 1;
        for (var i = 0; i < dimensions; i++)
        {
            sizes[i] = BinaryPrimitives.ReadInt32BigEndian(sizeBytes.AsSpan(4 * i));
            if (sizes[i] < 0)
            {
                throw new DataException($"{path}: negative size {sizes[i]} in dimension {i} of the header.");
            }
            total *= sizes[i];
        }
        if (total > Array.MaxLength)
        {
            throw new DataException($"{path}: the header promises {total:N0} bytes, more than one array can hold.");
        }

        var data = new byte[total];
        var found = ReadFully(stream, data);
        if (found < total)
        {
            throw new DataException(
                $"{path}: truncated file: expected {total} bytes of data from the header ({string.Join("×", sizes)}), found {found}.");
        }
        return (data, sizes);
    }

    private static int ReadFully(Stream stream, Span<byte> buffer)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = stream.Read(buffer[read..]);
            if (n == 0)
            {
                break;
            }
            read += n;
        }
        return read;
    }

    private static byte[] Concat(IEnumerable<byte[]> arrays)
    {
        var list = arrays.ToList();
        var result = new byte[list.Sum(a => (long)a.Length)];
        var offset = 0;
        foreach (var a in list)
        {
            a.CopyTo(result, offset);
            offset += a.Length;
        }
        return result;
    }

    private static torch.Tensor ToImageTensor(byte[] pixels, int count, int rows, int cols)
    {
        using var bytes = torch.tensor(pixels, new long[] { count, 1, rows, cols });
        return bytes.to_type(torch.ScalarType.Float32);
    }
}
