using System.Diagnostics;
using System.Text;
using Taxonomy.Host.Output;
using Taxonomy.Tests.Data;
using TorchSharp;

namespace Taxonomy.Tests.Output;

[TestFixture]
public sealed class NpyFileTests
{
    private TempFolder _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = new TempFolder();

    [TearDown]
    public void DeleteFolder() => _folder.Dispose();

    [Test]
    public void The_header_of_a_3_by_2_float_array_is_padded_so_the_data_starts_at_128()
    {
        var path = _folder.File("x.npy");
        using var values = torch.zeros(3, 2, dtype: torch.float32);

        NpyFile.WriteFloat32(path, values);

        var bytes = File.ReadAllBytes(path);
        var dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }";
        var expected = new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, 118, 0 }
            .Concat(Encoding.ASCII.GetBytes(dict.PadRight(117) + "\n")).ToArray();   // 10 + 60 + newline: two 64-byte blocks
        Assert.That(bytes[..128], Is.EqualTo(expected));
        Assert.That(bytes, Has.Length.EqualTo(128 + 3 * 2 * 4));
    }

    [Test]
    public void The_header_of_a_1_d_int_array_has_a_one_element_tuple()
    {
        var path = _folder.File("labels.npy");

        NpyFile.WriteInt32(path, [1, 2, 3, 4, 5]);

        var header = Encoding.ASCII.GetString(File.ReadAllBytes(path), 10, 118);
        Assert.That(header, Is.EqualTo("{'descr': '<i4', 'fortran_order': False, 'shape': (5,), }".PadRight(117) + "\n"));
    }

    [Test]
    public void Floats_written_in_several_chunks_read_back_unchanged()
    {
        var path = _folder.File("embedding.npy");
        using var values = torch.arange(0, 300_000 * 3, dtype: torch.float32).reshape(300_000, 3) / 7f;   // > 1 MB: several chunks

        NpyFile.WriteFloat32(path, values);
        var (rows, columns, read) = NpyFile.ReadFloat32(path);

        Assert.That((rows, columns), Is.EqualTo((300_000L, 3L)));
        Assert.That(read, Is.EqualTo(values.data<float>().ToArray()));
        Assert.That(Directory.GetFiles(_folder.Path), Is.EqualTo(new[] { path }), "no temporary file is left");
    }

    [Test]
    public void A_non_contiguous_tensor_is_written_in_row_order()
    {
        var path = _folder.File("t.npy");
        using var square = torch.tensor(new float[] { 1, 2, 3, 4 }).reshape(2, 2);
        using var transposed = square.t();

        NpyFile.WriteFloat32(path, transposed);

        Assert.That(NpyFile.ReadFloat32(path).Values, Is.EqualTo(new float[] { 1, 3, 2, 4 }));
    }

    [Test]
    public void Integers_read_back_unchanged()
    {
        var path = _folder.File("a.npy");
        int[] values = [0, -1, int.MaxValue, 7];

        NpyFile.WriteInt32(path, values);

        Assert.That(NpyFile.ReadInt32(path), Is.EqualTo(values));
    }

    [Test]
    public void Reading_the_wrong_kind_names_the_file_and_the_dtype()
    {
        var path = _folder.File("a.npy");
        NpyFile.WriteInt32(path, [1, 2]);

        Assert.That(() => NpyFile.ReadFloat32(path), Throws.TypeOf<InvalidDataException>().With.Message.EqualTo(
            $"{path}: not a NumPy .npy file of the expected kind: dtype '<i4', expected '<f4'."));
    }

    [Test]
    public void A_truncated_file_is_refused_naming_it()
    {
        var path = _folder.File("x.npy");
        using (var values = torch.ones(4, 2, dtype: torch.float32))
        {
            NpyFile.WriteFloat32(path, values);
        }
        using (var file = new FileStream(path, FileMode.Open))
        {
            file.SetLength(file.Length - 3);
        }

        Assert.That(() => NpyFile.ReadFloat32(path), Throws.TypeOf<InvalidDataException>().With.Message.EqualTo(
            $"{path}: not a NumPy .npy file of the expected kind: the shape (4, 2) needs 32 bytes of data, the file holds 29."));
    }

    [Test]
    public void A_file_without_the_magic_is_refused_naming_it()
    {
        var path = TestFiles.WriteText(_folder.File("notes.npy"), "hello, this is text");

        Assert.That(() => NpyFile.ReadInt32(path), Throws.TypeOf<InvalidDataException>().With.Message.EqualTo(
            $"{path}: not a NumPy .npy file of the expected kind: it does not begin with the magic \\x93NUMPY."));
    }

    [Test]
    public void A_tensor_that_is_not_2_d_float32_is_refused()
    {
        using var values = torch.zeros(3, dtype: torch.float32);

        Assert.That(() => NpyFile.WriteFloat32(_folder.File("x.npy"), values), Throws.ArgumentException);
    }

    [Test]
    public void Numpy_load_reads_both_kinds_with_the_same_values()
    {
        const string python = "/usr/bin/python3";
        if (!File.Exists(python) || Run(python, "-c", "import numpy").Code != 0)
        {
            Assert.Ignore("/usr/bin/python3 with numpy is not installed.");
        }
        var floats = _folder.File("f.npy");
        var ints = _folder.File("i.npy");
        using (var values = torch.tensor(new float[] { 0.5f, -1.25f, 3e-8f, 1e30f, 7f, 8f }).reshape(3, 2))
        {
            NpyFile.WriteFloat32(floats, values);
        }
        NpyFile.WriteInt32(ints, [3, -4, 5]);

        var (code, output) = Run(python, "-c",
            "import sys, numpy as np\n" +
            "f = np.load(sys.argv[1]); i = np.load(sys.argv[2])\n" +
            "assert f.dtype == np.float32 and f.shape == (3, 2), (f.dtype, f.shape)\n" +
            "assert i.dtype == np.int32 and i.shape == (3,), (i.dtype, i.shape)\n" +
            "assert (f == np.array([[0.5, -1.25], [3e-8, 1e30], [7, 8]], dtype=np.float32)).all(), f\n" +
            "assert (i == [3, -4, 5]).all(), i\n" +
            "print('ok')",
            floats, ints);

        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(output.Trim(), Is.EqualTo("ok"));
    }

    private static (int Code, string Output) Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result + error);
    }
}
