using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Taxonomy.Tests.Data;

/// <summary>A temporary folder for one test's files; deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "taxonomy-data-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

/// <summary>Writes small IDX and CSV files, plain or gzip-compressed.</summary>
internal static class TestFiles
{
    public static string WriteIdx(string path, int magic, int[] sizes, byte[] data, bool gzip = false)
    {
        var bytes = new byte[4 + 4 * sizes.Length + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (var i = 0; i < sizes.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), sizes[i]);
        }
        data.CopyTo(bytes, 4 + 4 * sizes.Length);
        return WriteBytes(path, bytes, gzip);
    }

    public static string WriteImages(string path, int count, int rows, int cols, Func<int, byte> pixel, bool gzip = false) =>
        WriteIdx(path, 0x00000803, [count, rows, cols],
            Enumerable.Range(0, count * rows * cols).Select(pixel).ToArray(), gzip);

    public static string WriteLabels(string path, params byte[] labels) =>
        WriteIdx(path, 0x00000801, [labels.Length], labels);

    /// <summary>
    /// An IDX folder in Fashion-MNIST's layout: a train part (two 2×2 images of 1s and of 2s, labels 4 and 5) and a
    /// gzip-compressed t10k part (one image of 200s, label 7). Returns the folder.
    /// </summary>
    public static string WriteTrainAndT10k(string folder)
    {
        WriteImages(System.IO.Path.Combine(folder, "train-images-idx3-ubyte"), 2, 2, 2, i => (byte)(i / 4 + 1));
        WriteLabels(System.IO.Path.Combine(folder, "train-labels-idx1-ubyte"), 4, 5);
        WriteImages(System.IO.Path.Combine(folder, "t10k-images-idx3-ubyte.gz"), 1, 2, 2, _ => 200, gzip: true);
        WriteIdx(System.IO.Path.Combine(folder, "t10k-labels-idx1-ubyte.gz"), 0x00000801, [1], [7], gzip: true);
        return folder;
    }

    public static string WriteText(string path, string text, bool gzip = false) =>
        WriteBytes(path, Encoding.UTF8.GetBytes(text), gzip);

    private static string WriteBytes(string path, byte[] bytes, bool gzip)
    {
        if (gzip)
        {
            using var file = System.IO.File.Create(path);
            using var zip = new GZipStream(file, CompressionLevel.Fastest);
            zip.Write(bytes);
        }
        else
        {
            System.IO.File.WriteAllBytes(path, bytes);
        }
        return path;
    }
}
