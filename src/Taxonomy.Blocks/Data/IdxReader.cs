using System.Buffers.Binary;
using System.Runtime.InteropServices;
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
    public static torch.Tensor ReadImages(string path) => ReadImages([path]);

    public static int[] ReadLabels(string path) => CompressedFile.Read(path, stream =>
    {
        var header = ReadHeader(stream, path, LabelsMagic, "labels");
        var bytes = new byte[header.DataLength];
        var found = ReadFully(stream, bytes);
        if (found < bytes.Length)
        {
            throw Truncated(path, header, found);
        }
        RequireEnd(stream, path, header);
        return Array.ConvertAll(bytes, b => (int)b);
    });

    /// <summary>The <c>data.split</c> that reads every part of a folder.</summary>
    public const string AllParts = "all";

    /// <summary>
    /// Reads every <c>PREFIX-images-idx3-ubyte[.gz]</c> in a folder with its <c>PREFIX-labels-idx1-ubyte[.gz]</c>,
    /// "train" first, then "t10k", then any other prefix alphabetically, and concatenates them
    /// (so Fashion-MNIST gives all 70,000 images); or only the part <paramref name="split"/> names.
    /// </summary>
    /// <param name="requireLabels">When true, a folder without labels files is an error rather than an unlabelled set.</param>
    /// <param name="split">
    /// "all", or the prefix of the one part to read (see <see cref="ResolveSplit"/>); a single part's prefix is added to
    /// the name in brackets, "fashion-mnist (train)".
    /// </param>
    public static Dataset ReadFolder(string folder, string? name = null, bool requireLabels = false, string split = AllParts)
    {
        var all = FindParts(folder);
        var parts = SelectParts(folder, all, split);
        var fullPath = Path.GetFullPath(folder);
        name ??= Path.GetFileName(fullPath.TrimEnd(Path.DirectorySeparatorChar));
        if (!IsAll(split))
        {
            name += $" ({parts[0].Prefix})";
        }
        var withLabels = parts.Where(p => p.Labels is not null).ToList();
        if (requireLabels && withLabels.Count == 0)
        {
            throw new DataException(
                $"{folder}: data.labels is true but the folder has no labels files (PREFIX-labels-idx1-ubyte[.gz] beside " +
                $"{Path.GetFileName(parts[0].Images)}); remove data.labels to read the images unlabelled.");
        }
        if (withLabels.Count > 0 && withLabels.Count < parts.Count)
        {
            var missing = parts.First(p => p.Labels is null);
            throw new DataException(
                $"{folder}: {Path.GetFileName(missing.Images)} has no labels file ({missing.Prefix}-labels-idx1-ubyte[.gz]) " +
                $"while {Path.GetFileName(withLabels[0].Images)} has one: add the missing labels, or remove the labels files.");
        }

        // Labels first: they are small, and a count mismatch should fail before 200 MB of pixels are read.
        int[]? labels = null;
        if (withLabels.Count > 0)
        {
            var read = new List<int>();
            foreach (var part in parts)
            {
                var partLabels = ReadLabels(part.Labels!);
                var images = ReadImagesHeader(part.Images).Sizes[0];
                if (images != partLabels.Length)
                {
                    throw new DataException(
                        $"{part.Images} has {images} images but {part.Labels} has {partLabels.Length} labels; they must match one to one.");
                }
                read.AddRange(partLabels);
            }
            labels = read.ToArray();
        }

        return new Dataset(
            name,
            ReadImages(parts.Select(p => p.Images).ToList()),
            labels,
            $"IDX folder {fullPath} ({string.Join(" + ", parts.Select(p => Path.GetFileName(p.Images)))})");
    }

    /// <summary>Reads one images file and, if given, its labels file.</summary>
    public static Dataset Read(string imagesPath, string? labelsPath = null, string? name = null)
    {
        int[]? labels = null;
        if (labelsPath is not null)
        {
            labels = ReadLabels(labelsPath);
            var images = ReadImagesHeader(imagesPath).Sizes[0];
            if (images != labels.Length)
            {
                throw new DataException(
                    $"{imagesPath} has {images} images but {labelsPath} has {labels.Length} labels; they must match one to one.");
            }
        }
        return new Dataset(name ?? Path.GetFileName(imagesPath), ReadImages(imagesPath), labels, Path.GetFullPath(imagesPath));
    }

    /// <summary>
    /// The prefix of the part <paramref name="split"/> names in the folder, or null when it is "all" (every part). A part
    /// is named by its prefix (case does not matter when only one part matches); "test" also names "t10k", the test part
    /// of MNIST and Fashion-MNIST, when no part is called "test". Throws a <see cref="DataException"/> beginning
    /// "data.split:" that lists the folder's parts when the folder has no such part.
    /// </summary>
    public static string? ResolveSplit(string folder, string split) =>
        IsAll(split) ? null : SelectParts(folder, FindParts(folder), split)[0].Prefix;

    internal static bool IsAll(string? split) => string.Equals(split?.Trim(), AllParts, StringComparison.OrdinalIgnoreCase);

    internal static IReadOnlyList<Part> SelectParts(string folder, IReadOnlyList<Part> parts, string split)
    {
        if (IsAll(split))
        {
            return parts;
        }
        var name = split.Trim();
        var matching = parts.Where(p => p.Prefix == name).ToList();
        if (matching.Count == 0)
        {
            matching = parts.Where(p => string.Equals(p.Prefix, name, StringComparison.OrdinalIgnoreCase)).ToList();
        }
        if (matching.Count == 0 && string.Equals(name, "test", StringComparison.OrdinalIgnoreCase))
        {
            matching = parts.Where(p => p.Prefix == "t10k").ToList();
        }
        if (matching.Count == 1)
        {
            return matching;
        }
        var alias = parts.Any(p => p.Prefix == "t10k") && parts.All(p => p.Prefix != "test") ? " (test reads t10k)" : "";
        throw new DataException(
            $"data.split: '{name}' is not a part of {folder}, which has {string.Join(", ", parts.Select(p => p.Prefix))}{alias}; " +
            $"give one of them, or '{AllParts}' for every part.");
    }

    internal sealed record Part(string Prefix, string Images, string? Labels);

    internal static IReadOnlyList<Part> FindParts(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new DataException($"{folder}: the folder does not exist.");
        }
        List<string> files;
        try
        {
            files = Directory.EnumerateFiles(folder).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException($"{folder}: cannot list the folder: {e.Message}", e);
        }
        var parts = new List<Part>();
        foreach (var group in files
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

    /// <summary>
    /// Reads image files one after another into a single float tensor. The headers are read first so the
    /// tensor can be allocated once and filled straight from the (decompressed) stream: no byte or float copy
    /// of the whole set is ever held in managed memory.
    /// </summary>
    private static torch.Tensor ReadImages(IReadOnlyList<string> paths)
    {
        var headers = paths.Select(ReadImagesHeader).ToList();
        var (rows, cols) = (headers[0].Sizes[1], headers[0].Sizes[2]);
        for (var i = 1; i < headers.Count; i++)
        {
            if (headers[i].Sizes[1] != rows || headers[i].Sizes[2] != cols)
            {
                throw new DataException(
                    $"{paths[i]}: images are {headers[i].Sizes[1]}×{headers[i].Sizes[2]} but those of {paths[0]} are " +
                    $"{rows}×{cols}; all files in a folder must have the same image size.");
            }
        }

        var count = headers.Sum(h => (long)h.Sizes[0]);
        if (count * rows * cols > MaxValues)
        {
            throw new DataException(
                $"{string.Join(" + ", paths)}: {count}×{rows}×{cols} images exceed 2 GB as float32, more than this reader supports.");
        }
        var tensor = torch.empty(new long[] { count, 1, rows, cols }, torch.float32);
        try
        {
            long offset = 0;
            foreach (var path in paths)
            {
                offset = CompressedFile.Read(path, stream =>
                    CopyAsFloats(stream, path, ReadHeader(stream, path, ImagesMagic, "images"), tensor, offset));
            }
            return tensor;
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    /// <summary>Streams the file's bytes into <paramref name="tensor"/> as floats from <paramref name="offset"/>; returns the next offset.</summary>
    private static long CopyAsFloats(Stream stream, string path, Header header, torch.Tensor tensor, long offset)
    {
        var target = MemoryMarshal.Cast<byte, float>(tensor.bytes).Slice(checked((int)offset), checked((int)header.DataLength));
        var buffer = new byte[1 << 16];
        var copied = 0;
        while (copied < target.Length)
        {
            var read = stream.Read(buffer, 0, Math.Min(buffer.Length, target.Length - copied));
            if (read == 0)
            {
                throw Truncated(path, header, copied);
            }
            for (var i = 0; i < read; i++)
            {
                target[copied + i] = buffer[i];
            }
            copied += read;
        }
        RequireEnd(stream, path, header);
        return offset + copied;
    }

    /// <summary>The most values one set may hold: as float32 they must fit in 2 GB.</summary>
    private const long MaxValues = int.MaxValue / sizeof(float);

    private sealed record Header(int[] Sizes, long DataLength)
    {
        public long Length => 4 + 4L * Sizes.Length;
    }

    private static Header ReadImagesHeader(string path) =>
        CompressedFile.Read(path, stream => ReadHeader(stream, path, ImagesMagic, "images"));

    /// <summary>Names of the header's sizes, for messages.</summary>
    private static string SizeName(string what, int dimension) =>
        what == "labels" ? "labels" : dimension switch { 0 => "images", 1 => "rows per image", _ => "columns per image" };

    /// <summary>
    /// Compares what the header promises with what the file holds before anything is allocated for it, so a
    /// damaged header fails at once instead of after a large allocation.
    /// </summary>
    private static void CheckLength(string path, Header header)
    {
        var (length, compressed) = CompressedFile.ContentLength(path);
        if (length - header.Length < header.DataLength)
        {
            throw new DataException(
                $"{path}: truncated file: the header promises {header.DataLength} bytes of data ({string.Join("×", header.Sizes)}) " +
                $"but the file holds {length - header.Length} after its {header.Length}-byte header" +
                (compressed ? " (as its gzip trailer records)." : "."));
        }
    }

    private static void RequireEnd(Stream stream, string path, Header header)
    {
        if (!CompressedFile.AtEnd(stream))
        {
            throw new DataException(
                $"{path}: the file goes on after the {header.DataLength} bytes of data its header promises " +
                $"({string.Join("×", header.Sizes)}); the header or the file is damaged.");
        }
    }

    private static Header ReadHeader(Stream stream, string path, int expectedMagic, string what)
    {
        var magicBytes = new byte[4];
        if (ReadFully(stream, magicBytes) < 4)
        {
            throw new DataException($"{path}: truncated file: too short for an IDX header (4-byte magic number).");
        }
        var magic = BinaryPrimitives.ReadInt32BigEndian(magicBytes);
        var type = magicBytes[2];
        var dimensions = magicBytes[3];
        var expectedDimensions = expectedMagic & 0xff;
        if (magicBytes[0] != 0 || magicBytes[1] != 0)
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
        for (var i = 0; i < dimensions; i++)
        {
            sizes[i] = BinaryPrimitives.ReadInt32BigEndian(sizeBytes.AsSpan(4 * i));
            if (sizes[i] <= 0)
            {
                throw new DataException(
                    $"{path}: the header gives {sizes[i]} {SizeName(what, i)} (dimension {i}); every size must be at least 1.");
            }
        }
        long total = 1;
        foreach (var size in sizes)
        {
            if (total > MaxValues / size)   // also keeps the product from overflowing
            {
                throw new DataException(
                    $"{path}: the header's sizes {string.Join("×", sizes)} make more than {MaxValues} values, more than " +
                    "this reader supports (2 GB as float32).");
            }
            total *= size;
        }
        var header = new Header(sizes, total);
        CheckLength(path, header);
        return header;
    }

    private static DataException Truncated(string path, Header header, long found) =>
        new($"{path}: truncated file: expected {header.DataLength} bytes of data from the header " +
            $"({string.Join("×", header.Sizes)}), found {found}.");

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
}
