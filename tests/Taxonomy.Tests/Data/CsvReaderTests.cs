using System.Text;
using Taxonomy.Blocks.Data;
using TorchSharp;

namespace Taxonomy.Tests.Data;

[TestFixture]
public sealed class CsvReaderTests
{
    private TempFolder _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = new TempFolder();

    [TearDown]
    public void DeleteFolder() => _folder.Dispose();

    private string Write(string text, string name = "data.csv", bool gzip = false) =>
        TestFiles.WriteText(_folder.File(name), text, gzip);

    [Test]
    public void The_last_column_is_the_label_and_the_rest_are_float_features()
    {
        var path = Write("1,2.5,0\n-3,4e-1,2\n");

        using var data = CsvReader.Read(path);

        Assert.That(data.Features.shape, Is.EqualTo(new long[] { 2, 2 }));
        Assert.That(data.Features.dtype, Is.EqualTo(torch.ScalarType.Float32));
        Assert.That(data.Features.data<float>().ToArray(), Is.EqualTo(new[] { 1f, 2.5f, -3f, 0.4f }));
        Assert.That(data.Labels, Is.EqualTo(new[] { 0, 2 }));
        Assert.That(data.Name, Is.EqualTo("data"));
    }

    [Test]
    public void Without_labels_every_column_is_a_feature()
    {
        var path = Write("1,2,3\n4,5,6\n");

        using var data = CsvReader.Read(path, labels: false);

        Assert.That(data.Features.shape, Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(data.Labels, Is.Null);
    }

    [Test]
    public void A_first_row_with_a_word_is_a_header_and_is_skipped()
    {
        var path = Write("x,y,label\n1,2,0\n3,4,1\n");

        using var data = CsvReader.Read(path);

        Assert.That(data.Count, Is.EqualTo(2));
        Assert.That(data.Features.data<float>().ToArray(), Is.EqualTo(new[] { 1f, 2f, 3f, 4f }));
    }

    [Test]
    public void An_all_numeric_first_row_is_data()
    {
        var path = Write("9,8,1\n1,2,0\n");

        using var data = CsvReader.Read(path);

        Assert.That(data.Count, Is.EqualTo(2));
        Assert.That(data.Labels, Is.EqualTo(new[] { 1, 0 }));
    }

    [Test]
    public void A_gzip_compressed_file_reads_like_the_plain_one()
    {
        var path = Write("a,b,c\n1,2,3\n", "data.csv.gz", gzip: true);

        using var data = CsvReader.Read(path);

        Assert.That(data.Labels, Is.EqualTo(new[] { 3 }));
        Assert.That(data.Name, Is.EqualTo("data"));
    }

    [Test]
    public void Blank_lines_and_windows_line_endings_are_accepted()
    {
        var path = Write("1,2,0\r\n\r\n3,4,1\r\n\r\n");

        using var data = CsvReader.Read(path);

        Assert.That(data.Count, Is.EqualTo(2));
    }

    [Test, SetCulture("de-DE")]
    public void Numbers_use_the_invariant_culture_whatever_the_current_one()
    {
        var path = Write("1.5,0\n");

        using var data = CsvReader.Read(path);

        Assert.That(data.Features.data<float>().ToArray(), Is.EqualTo(new[] { 1.5f }));
    }

    [Test]
    public void A_limit_reads_only_the_first_rows()
    {
        var path = Write("h1,h2\n1,0\n2,1\n3,0\nbroken\n");

        using var data = CsvReader.Read(path, limit: 2);

        Assert.That(data.Features.data<float>().ToArray(), Is.EqualTo(new[] { 1f, 2f }));
    }

    [Test]
    public void A_ragged_row_reports_its_line_and_both_column_counts()
    {
        var text = new StringBuilder();
        var full = string.Join(",", Enumerable.Repeat("0", 65));
        var ragged = string.Join(",", Enumerable.Repeat("0", 63));
        for (var line = 1; line <= 20; line++)
        {
            text.AppendLine(line == 17 ? ragged : full);
        }
        var path = Write(text.ToString(), "ragged.csv");

        Assert.That(() => CsvReader.Read(path),
            Throws.TypeOf<DataException>().With.Message.Contains("ragged.csv")
                .And.Message.Contains("line 17 has 63 columns, expected 65"));
    }

    [Test]
    public void A_non_numeric_cell_reports_line_column_and_text()
    {
        var path = Write("1,2,3,0\n1,2,3,0\n1,2,3,0\n1,2,3,0\n1,2,abc,0\n", "words.csv");

        Assert.That(() => CsvReader.Read(path),
            Throws.TypeOf<DataException>().With.Message.Contains("words.csv")
                .And.Message.Contains("line 5, column 3: 'abc' is not a number"));
    }

    [TestCase("NaN")]
    [TestCase("Infinity")]
    [TestCase("-Infinity")]
    public void Non_finite_cells_are_rejected(string cell)
    {
        var path = Write($"1,2,0\n1,{cell},0\n", "nan.csv");

        Assert.That(() => CsvReader.Read(path),
            Throws.TypeOf<DataException>().With.Message.Contains("nan.csv")
                .And.Message.Contains($"line 2, column 2: '{cell}' is not a finite number"));
    }

    [Test]
    public void A_fractional_label_is_rejected()
    {
        var path = Write("1,2,0\n3,4,1.5\n", "labels.csv");

        Assert.That(() => CsvReader.Read(path, labels: true),
            Throws.TypeOf<DataException>().With.Message.Contains("labels.csv")
                .And.Message.Contains("line 2, column 3: the label '1.5' is not an integer (data.labels=true); set data.labels=false"));
    }

    [Test]
    public void A_label_written_as_a_whole_float_is_accepted()
    {
        var path = Write("1,2,3.0\n");

        using var data = CsvReader.Read(path);

        Assert.That(data.Labels, Is.EqualTo(new[] { 3 }));
    }

    [Test]
    public void An_empty_file_is_an_error_naming_the_file()
    {
        var path = Write("", "empty.csv");

        Assert.That(() => CsvReader.Read(path),
            Throws.TypeOf<DataException>().With.Message.EqualTo($"{path}: the file is empty, or is not a regular file (a FIFO, socket or device)."));
    }

    [Test]
    public void A_header_without_rows_is_an_error()
    {
        var path = Write("x,label\n", "header.csv");

        Assert.That(() => CsvReader.Read(path),
            Throws.TypeOf<DataException>().With.Message.Contains("header.csv: the file has a header but no data rows"));
    }

    [Test]
    public void A_single_column_with_labels_on_asks_to_turn_labels_off()
    {
        var path = Write("1\n2\n", "one.csv");

        Assert.That(() => CsvReader.Read(path, labels: true),
            Throws.TypeOf<DataException>().With.Message.Contains("one.csv: line 1 has 1 column")
                .And.Message.Contains("set data.labels=false"));
    }

    [Test]
    public void Corrupt_gzip_data_is_reported_with_the_file_name()
    {
        var path = _folder.File("broken.csv.gz");
        File.WriteAllBytes(path, [0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x00, 0x42, 0x42, 0x42]);

        Assert.That(() => CsvReader.Read(path),
            Throws.TypeOf<DataException>().With.Message.Contains("broken.csv.gz: corrupt gzip data"));
    }
}
