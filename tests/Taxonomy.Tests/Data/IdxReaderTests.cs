using Taxonomy.Blocks.Data;
using TorchSharp;

namespace Taxonomy.Tests.Data;

[TestFixture]
public sealed class IdxReaderTests
{
    private TempFolder _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = new TempFolder();

    [TearDown]
    public void DeleteFolder() => _folder.Dispose();

    [TestCase(false)]
    [TestCase(true)]
    public void Images_keep_their_raw_pixel_values_in_n_1_rows_cols(bool gzip)
    {
        var path = TestFiles.WriteImages(_folder.File("train-images-idx3-ubyte"), 2, 2, 3, i => (byte)(i * 10 + 5), gzip);

        using var images = IdxReader.ReadImages(path);

        Assert.That(images.shape, Is.EqualTo(new long[] { 2, 1, 2, 3 }));
        Assert.That(images.dtype, Is.EqualTo(torch.ScalarType.Float32));
        Assert.That(images.data<float>().ToArray(),
            Is.EqualTo(new float[] { 5, 15, 25, 35, 45, 55, 65, 75, 85, 95, 105, 115 }));
    }

    [Test]
    public void Gzip_is_recognised_by_its_content_whatever_the_file_name()
    {
        var path = TestFiles.WriteImages(_folder.File("plain-looking.idx"), 1, 1, 2, i => (byte)(250 + i), gzip: true);

        using var images = IdxReader.ReadImages(path);

        Assert.That(images.data<float>().ToArray(), Is.EqualTo(new float[] { 250, 251 }));
    }

    [Test]
    public void Labels_are_read_as_integers()
    {
        var path = TestFiles.WriteLabels(_folder.File("train-labels-idx1-ubyte"), 3, 0, 9, 255);

        Assert.That(IdxReader.ReadLabels(path), Is.EqualTo(new[] { 3, 0, 9, 255 }));
    }

    [Test]
    public void A_folder_pairs_images_with_labels_and_puts_train_before_t10k()
    {
        // t10k written first and compressed, so neither file order nor format decides the result.
        TestFiles.WriteImages(_folder.File("t10k-images-idx3-ubyte.gz"), 1, 2, 2, _ => 200, gzip: true);
        TestFiles.WriteIdx(_folder.File("t10k-labels-idx1-ubyte.gz"), 0x00000801, [1], [7], gzip: true);
        TestFiles.WriteImages(_folder.File("train-images-idx3-ubyte"), 2, 2, 2, i => (byte)(i / 4 + 1));
        TestFiles.WriteLabels(_folder.File("train-labels-idx1-ubyte"), 4, 5);

        using var data = IdxReader.ReadFolder(_folder.Path);

        Assert.That(data.Features.shape, Is.EqualTo(new long[] { 3, 1, 2, 2 }));
        Assert.That(data.Labels, Is.EqualTo(new[] { 4, 5, 7 }));
        Assert.That(data.Features.data<float>().ToArray(),
            Is.EqualTo(new float[] { 1, 1, 1, 1, 2, 2, 2, 2, 200, 200, 200, 200 }));
        Assert.That(data.Source, Does.Contain("train-images-idx3-ubyte + t10k-images-idx3-ubyte.gz"));
    }

    [Test]
    public void Split_train_reads_only_the_train_part_and_names_it()
    {
        TestFiles.WriteTrainAndT10k(_folder.Path);

        using var data = IdxReader.ReadFolder(_folder.Path, "fashion-mnist", split: "train");

        Assert.That(data.Name, Is.EqualTo("fashion-mnist (train)"));
        Assert.That(data.Labels, Is.EqualTo(new[] { 4, 5 }));
        Assert.That(data.Features.shape, Is.EqualTo(new long[] { 2, 1, 2, 2 }));
        Assert.That(data.Features.data<float>().ToArray(), Is.EqualTo(new float[] { 1, 1, 1, 1, 2, 2, 2, 2 }));
        Assert.That(data.Source, Does.EndWith("(train-images-idx3-ubyte)"));
    }

    [TestCase("t10k")]
    [TestCase("test")]
    [TestCase(" T10K ")]
    public void Split_t10k_or_its_alias_test_reads_only_the_t10k_part(string split)
    {
        TestFiles.WriteTrainAndT10k(_folder.Path);

        using var data = IdxReader.ReadFolder(_folder.Path, "fashion-mnist", split: split);

        Assert.That(data.Name, Is.EqualTo("fashion-mnist (t10k)"));
        Assert.That(data.Labels, Is.EqualTo(new[] { 7 }));
        Assert.That(data.Features.data<float>().ToArray(), Is.EqualTo(new float[] { 200, 200, 200, 200 }));
        Assert.That(data.Source, Does.EndWith("(t10k-images-idx3-ubyte.gz)"));
    }

    [TestCase("all")]
    [TestCase("ALL")]
    public void Split_all_reads_every_part_under_the_plain_name(string split)
    {
        TestFiles.WriteTrainAndT10k(_folder.Path);

        using var data = IdxReader.ReadFolder(_folder.Path, "fashion-mnist", split: split);

        Assert.That(data.Name, Is.EqualTo("fashion-mnist"));
        Assert.That(data.Labels, Is.EqualTo(new[] { 4, 5, 7 }));
    }

    [Test]
    public void Test_names_a_part_called_test_rather_than_t10k()
    {
        TestFiles.WriteTrainAndT10k(_folder.Path);
        TestFiles.WriteImages(_folder.File("test-images-idx3-ubyte"), 3, 2, 2, _ => 9);

        Assert.That(IdxReader.ResolveSplit(_folder.Path, "test"), Is.EqualTo("test"));
        Assert.That(IdxReader.ResolveSplit(_folder.Path, "t10k"), Is.EqualTo("t10k"));
        Assert.That(IdxReader.ResolveSplit(_folder.Path, "all"), Is.Null);
    }

    [Test]
    public void A_split_the_folder_lacks_names_data_split_the_folder_and_its_parts()
    {
        TestFiles.WriteTrainAndT10k(_folder.Path);

        Assert.That(() => IdxReader.ReadFolder(_folder.Path, split: "validation"),
            Throws.TypeOf<DataException>().With.Message.EqualTo(
                $"data.split: 'validation' is not a part of {_folder.Path}, which has train, t10k (test reads t10k); " +
                "give one of them, or 'all' for every part."));
    }

    [Test]
    public void Test_is_no_part_of_a_folder_without_t10k()
    {
        TestFiles.WriteImages(_folder.File("train-images-idx3-ubyte"), 1, 1, 1, _ => 1);

        Assert.That(() => IdxReader.ReadFolder(_folder.Path, split: "test"),
            Throws.TypeOf<DataException>().With.Message.EqualTo(
                $"data.split: 'test' is not a part of {_folder.Path}, which has train; give one of them, or 'all' for every part."));
    }

    [Test]
    public void A_split_needs_labels_only_for_the_part_it_reads()
    {
        TestFiles.WriteImages(_folder.File("train-images-idx3-ubyte"), 1, 1, 1, _ => 1);
        TestFiles.WriteLabels(_folder.File("train-labels-idx1-ubyte"), 3);
        TestFiles.WriteImages(_folder.File("t10k-images-idx3-ubyte"), 2, 1, 1, _ => 2);

        using var train = IdxReader.ReadFolder(_folder.Path, split: "train", requireLabels: true);
        using var test = IdxReader.ReadFolder(_folder.Path, split: "test");

        Assert.That(train.Labels, Is.EqualTo(new[] { 3 }));
        Assert.That(test.Labels, Is.Null);
        Assert.That(test.Count, Is.EqualTo(2));
    }

    [Test]
    public void A_folder_without_label_files_gives_unlabelled_data()
    {
        TestFiles.WriteImages(_folder.File("train-images-idx3-ubyte"), 2, 1, 1, i => (byte)i);

        using var data = IdxReader.ReadFolder(_folder.Path);

        Assert.That(data.Labels, Is.Null);
        Assert.That(data.Count, Is.EqualTo(2));
    }

    [Test]
    public void A_folder_with_labels_for_only_some_images_says_which_are_missing()
    {
        TestFiles.WriteImages(_folder.File("train-images-idx3-ubyte"), 1, 1, 1, _ => 1);
        TestFiles.WriteLabels(_folder.File("train-labels-idx1-ubyte"), 1);
        TestFiles.WriteImages(_folder.File("t10k-images-idx3-ubyte"), 1, 1, 1, _ => 1);

        Assert.That(() => IdxReader.ReadFolder(_folder.Path),
            Throws.TypeOf<DataException>().With.Message.Contains("t10k-images-idx3-ubyte has no labels file"));
    }

    [Test]
    public void A_folder_without_image_files_is_an_error_naming_the_folder()
    {
        TestFiles.WriteLabels(_folder.File("train-labels-idx1-ubyte"), 1);

        Assert.That(() => IdxReader.ReadFolder(_folder.Path),
            Throws.TypeOf<DataException>().With.Message.Contains(_folder.Path)
                .And.Message.Contains("no IDX image files found"));
    }

    [Test]
    public void Images_of_different_sizes_in_one_folder_are_an_error()
    {
        TestFiles.WriteImages(_folder.File("train-images-idx3-ubyte"), 1, 2, 2, _ => 1);
        TestFiles.WriteImages(_folder.File("t10k-images-idx3-ubyte"), 1, 3, 3, _ => 1);

        Assert.That(() => IdxReader.ReadFolder(_folder.Path),
            Throws.TypeOf<DataException>().With.Message.Contains("images are 3×3")
                .And.Message.Contains("are 2×2"));
    }

    [Test]
    public void A_labels_file_read_as_images_reports_expected_and_found_magic()
    {
        var path = TestFiles.WriteLabels(_folder.File("oops-labels-idx1-ubyte"), 1, 2);

        Assert.That(() => IdxReader.ReadImages(path),
            Throws.TypeOf<DataException>().With.Message.Contains("oops-labels-idx1-ubyte")
                .And.Message.Contains("found 0x00000801")
                .And.Message.Contains("expected 0x00000803"));
    }

    [Test]
    public void A_file_that_is_not_idx_reports_its_magic_number()
    {
        var path = TestFiles.WriteText(_folder.File("notes.txt"), "hello world");

        Assert.That(() => IdxReader.ReadImages(path),
            Throws.TypeOf<DataException>().With.Message.Contains("notes.txt")
                .And.Message.Contains("magic number 0x68656C6C, expected 0x00000803"));
    }

    [Test]
    public void Non_byte_data_types_are_unsupported()
    {
        var path = TestFiles.WriteIdx(_folder.File("floats-images-idx3-ubyte"), 0x00000D03, [1, 1, 1], new byte[4]);

        Assert.That(() => IdxReader.ReadImages(path),
            Throws.TypeOf<DataException>().With.Message.Contains("floats-images-idx3-ubyte")
                .And.Message.Contains("unsupported IDX data type 0x0D"));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void A_truncated_file_reports_the_bytes_promised_and_found(bool gzip)
    {
        var path = TestFiles.WriteIdx(_folder.File("short-images-idx3-ubyte"), 0x00000803, [2, 2, 3], new byte[7], gzip);

        Assert.That(() => IdxReader.ReadImages(path),
            Throws.TypeOf<DataException>().With.Message.Contains("short-images-idx3-ubyte")
                .And.Message.Contains("truncated file: the header promises 12 bytes of data (2×2×3) but the file holds 7 after its 16-byte header" +
                    (gzip ? " (as its gzip trailer records)." : ".")));
    }

    [Test]
    public void A_header_cut_short_is_reported_as_truncated()
    {
        var path = TestFiles.WriteText(_folder.File("tiny-images-idx3-ubyte"), "\0\0");

        Assert.That(() => IdxReader.ReadImages(path),
            Throws.TypeOf<DataException>().With.Message.Contains("tiny-images-idx3-ubyte: truncated file"));
    }

    [Test]
    public void Image_and_label_counts_must_match_and_the_error_names_both_files()
    {
        TestFiles.WriteImages(_folder.File("train-images-idx3-ubyte"), 3, 1, 1, _ => 0);
        TestFiles.WriteLabels(_folder.File("train-labels-idx1-ubyte"), 1, 2);

        Assert.That(() => IdxReader.ReadFolder(_folder.Path),
            Throws.TypeOf<DataException>()
                .With.Message.Contains("train-images-idx3-ubyte has 3 images")
                .And.Message.Contains("train-labels-idx1-ubyte has 2 labels"));
    }

    [Test]
    public void A_single_pair_reads_without_a_folder()
    {
        var images = TestFiles.WriteImages(_folder.File("a-images-idx3-ubyte"), 2, 1, 1, i => (byte)i);
        var labels = TestFiles.WriteLabels(_folder.File("a-labels-idx1-ubyte"), 1, 0);

        using var data = IdxReader.Read(images, labels);

        Assert.That(data.Labels, Is.EqualTo(new[] { 1, 0 }));
        Assert.That(data.SampleShape, Is.EqualTo(new long[] { 1, 1, 1 }));
    }
}
