using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Taxonomy.Blocks.Data;
using Taxonomy.Tests.Data;
using Taxonomy.Tests.TestSupport;

namespace Taxonomy.Tests.Hostile;

/// <summary>
/// Data a hostile or unlucky user gives the command line: each is one line on stderr naming the file, and exit code 2,
/// before any training; or, for unlabelled CSV, a run that just works.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class DataInputTests
{
    private TempFolder _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = new TempFolder();

    [TearDown]
    public void DeleteFolder() => _folder.Dispose();

    /// <summary>The test manifest (AE + k-means, 1 epoch) on <paramref name="source"/>, written beside the data.</summary>
    private string Manifest(string source)
    {
        var manifest = Manifests.AeKMeans();
        manifest["data"] = new JsonObject { ["source"] = source };
        manifest["schedule"]!["epochs"] = 1;
        manifest["threads"] = 1;
        var path = _folder.File("m.json");
        File.WriteAllText(path, manifest.ToJsonString());
        return path;
    }

    private (int Code, string Out, string Error) Run(string source, params string[] more) =>
        CliRunner.Run(["run", Manifest(source), "--out", _folder.File("out"), .. more]);

    private (int Code, string Out, string Error) Validate(string source) => CliRunner.Run("validate", Manifest(source));

    /// <summary>Exit code 2 and exactly one line on stderr, which is returned without its "error: ".</summary>
    private static string OneError((int Code, string Out, string Error) result)
    {
        Assert.That(result.Code, Is.EqualTo(2), result.Out + result.Error);
        var lines = result.Error.TrimEnd().Split('\n');
        Assert.That(lines, Has.Length.EqualTo(1), result.Error);
        Assert.That(lines[0], Does.StartWith("error: "));
        return lines[0]["error: ".Length..];
    }

    private static string Rows(int count) =>
        string.Concat(Enumerable.Range(0, count).Select(i => $"{i % 7},{i % 5},{i % 3}\n"));

    // ---- compressed files ------------------------------------------------------------------------------------------

    /// <summary>A .csv.gz of 200 rows, flushed after each row so that a cut at a flush point ends on a whole row.</summary>
    private (string Path, List<long> RowEnds) FlushedGzip()
    {
        var path = _folder.File("rows.csv.gz");
        var rowEnds = new List<long>();
        using (var file = File.Create(path))
        using (var zip = new GZipStream(file, CompressionLevel.Optimal))
        {
            foreach (var row in Rows(200).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                zip.Write(Encoding.ASCII.GetBytes(row + "\n"));
                zip.Flush();
                rowEnds.Add(file.Position);
            }
        }
        return (path, rowEnds);
    }

    private static void Cut(string path, long length)
    {
        using var file = new FileStream(path, FileMode.Open);
        file.SetLength(length);
    }

    [Test]
    public void A_gzip_file_cut_exactly_after_a_row_is_an_error_not_a_shorter_data_set()
    {
        var (path, rowEnds) = FlushedGzip();
        Cut(path, rowEnds[99]);   // decompresses to exactly the first 100 whole rows

        Assert.That(OneError(Run(path)), Does.StartWith($"{path}: corrupt gzip data: the file is truncated or damaged: it decompresses to ")
            .And.Contain("but its gzip trailer records"));
    }

    [TestCase(8, TestName = "A_gzip_file_without_its_trailer_is_an_error")]
    [TestCase(3, TestName = "A_gzip_file_cut_inside_its_trailer_is_an_error")]
    [TestCase(1, TestName = "A_gzip_file_one_byte_short_is_an_error")]
    public void A_gzip_file_cut_near_its_end_is_an_error(int missing)
    {
        var (path, _) = FlushedGzip();
        Cut(path, new FileInfo(path).Length - missing);

        Assert.That(OneError(Run(path)), Does.StartWith($"{path}: corrupt gzip data: the file is truncated or damaged"));
    }

    [Test]
    public void A_gzip_file_cut_inside_its_header_is_an_error()
    {
        var (path, _) = FlushedGzip();
        Cut(path, 11);

        Assert.That(OneError(Run(path)), Is.EqualTo(
            $"{path}: corrupt gzip data: the file is truncated: 11 bytes are too few for gzip data and its 8-byte trailer."));
    }

    [Test]
    public void A_whole_gzip_file_still_reads_every_row()
    {
        var (path, _) = FlushedGzip();

        using var data = CsvReader.Read(path);

        Assert.That(data.Count, Is.EqualTo(200));
    }

    [Test]
    public void A_file_named_gz_that_is_not_gzip_is_an_error()
    {
        var path = TestFiles.WriteText(_folder.File("plain.csv.gz"), Rows(20));

        Assert.That(OneError(Run(path)), Is.EqualTo(
            $"{path}: the name ends in .gz but the file is not gzip-compressed (it does not start with 1f 8b)."));
    }

    [Test]
    public void A_truncated_gzip_idx_file_is_an_error_naming_it()
    {
        var images = TestFiles.WriteImages(_folder.File("train-images-idx3-ubyte.gz"), 50, 4, 4, i => (byte)(i * 7), gzip: true);
        Cut(images, new FileInfo(images).Length - 8);

        Assert.That(OneError(Run(_folder.Path)), Does.StartWith($"{images}: ").And.Contain("truncated"));
    }

    // ---- files that are not regular files --------------------------------------------------------------------------

    private string Link(string name, string target)
    {
        var path = _folder.File(name);
        File.CreateSymbolicLink(path, target);
        return path;
    }

    private string Fifo(string name)
    {
        var path = _folder.File(name);
        using var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [path]))!;
        mkfifo.WaitForExit();
        Assert.That(mkfifo.ExitCode, Is.EqualTo(0), "mkfifo");
        return path;
    }

    private const string NotRegular = "the file is empty, or is not a regular file (a FIFO, socket or device).";

    [TestCase("/dev/zero")]
    [TestCase("/dev/null")]
    public void A_device_as_data_is_refused_by_validate_and_run(string device)
    {
        var path = Link("device.csv", device);

        Assert.That(OneError(Validate(path)), Is.EqualTo($"{path}: {NotRegular}"));
        Assert.That(OneError(Run(path)), Is.EqualTo($"{path}: {NotRegular}"));
    }

    [Test]
    public void A_device_named_directly_is_an_unsupported_data_file()
    {
        Assert.That(OneError(Validate("/dev/zero")), Is.EqualTo(
            "/dev/zero: unsupported data file; expected a .csv or .csv.gz file, or a folder of IDX files."));
    }

    [Test]
    public void A_link_to_a_missing_file_is_refused()
    {
        var path = Link("dangling.csv", _folder.File("gone.csv"));

        Assert.That(OneError(Validate(path)), Is.EqualTo($"{path}: no such file."));
    }

    [Test]
    public void A_link_that_points_at_itself_is_refused()
    {
        var path = Link("loop.csv", _folder.File("loop.csv"));

        Assert.That(OneError(Validate(path)), Does.StartWith($"{path}: cannot follow the link: "));
    }

    [Test]
    public void A_fifo_as_data_is_refused_without_waiting_for_a_writer()
    {
        var path = Fifo("pipe.csv");

        Assert.That(OneError(Run(path)), Is.EqualTo($"{path}: {NotRegular}"));
    }

    [Test]
    public void A_socket_as_data_is_refused()
    {
        var path = _folder.File("socket.csv");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));

        Assert.That(OneError(Validate(path)), Is.EqualTo($"{path}: {NotRegular}"));
    }

    [Test]
    public void A_fifo_inside_an_idx_folder_is_refused_naming_it()
    {
        var fifo = Fifo("train-images-idx3-ubyte");

        Assert.That(OneError(Run(_folder.Path)), Is.EqualTo($"{fifo}: {NotRegular}"));
    }

    [Test]
    public void A_folder_where_a_csv_file_is_expected_says_it_holds_no_idx_files()
    {
        var folder = _folder.File("points.csv");
        Directory.CreateDirectory(folder);

        Assert.That(OneError(Validate(folder)), Does.StartWith($"{folder}: no IDX image files found"));
    }

    // ---- CSV content -----------------------------------------------------------------------------------------------

    [Test]
    public void An_empty_csv_file_is_refused()
    {
        var path = TestFiles.WriteText(_folder.File("empty.csv"), "");

        Assert.That(OneError(Validate(path)), Is.EqualTo($"{path}: {NotRegular}"));
    }

    [Test]
    public void A_csv_file_of_only_blank_lines_is_empty()
    {
        var path = TestFiles.WriteText(_folder.File("blank.csv"), "\n\n  \n");

        Assert.That(OneError(Run(path)), Is.EqualTo($"{path}: the file is empty (no data rows)."));
    }

    [Test]
    public void A_csv_file_of_only_a_header_is_refused()
    {
        var path = TestFiles.WriteText(_folder.File("header.csv"), "x,y,label\n");

        Assert.That(OneError(Run(path)), Is.EqualTo($"{path}: the file has a header but no data rows."));
    }

    [Test]
    public void A_ragged_csv_row_is_named_by_its_line()
    {
        var path = TestFiles.WriteText(_folder.File("ragged.csv"), Rows(10) + "1,2\n" + Rows(5));

        Assert.That(OneError(Run(path)), Is.EqualTo($"{path}: line 11 has 2 columns, expected 3 (as on line 1)."));
    }

    // ---- IDX headers -----------------------------------------------------------------------------------------------

    [TestCase(0, 4, 4, "0 images (dimension 0)")]
    [TestCase(3, 0, 4, "0 rows per image (dimension 1)")]
    [TestCase(3, 4, 0, "0 columns per image (dimension 2)")]
    public void An_idx_file_with_a_zero_size_is_refused(int count, int rows, int cols, string said)
    {
        var path = TestFiles.WriteIdx(_folder.File("train-images-idx3-ubyte"), IdxReader.ImagesMagic, [count, rows, cols], new byte[16]);

        Assert.That(OneError(Run(_folder.Path)), Is.EqualTo(
            $"{path}: the header gives {said}; every size must be at least 1."));
    }

    [Test]
    public void An_idx_header_promising_more_images_than_the_file_holds_fails_before_allocating()
    {
        var path = TestFiles.WriteIdx(_folder.File("train-images-idx3-ubyte"), IdxReader.ImagesMagic, [60000, 28, 28], new byte[100]);

        Assert.That(OneError(Run(_folder.Path)), Is.EqualTo(
            $"{path}: truncated file: the header promises 47040000 bytes of data (60000×28×28) but the file holds 100 after its 16-byte header."));
    }

    [Test]
    public void An_idx_header_whose_sizes_overflow_is_refused()
    {
        var path = TestFiles.WriteIdx(_folder.File("train-images-idx3-ubyte"), IdxReader.ImagesMagic,
            [int.MaxValue, int.MaxValue, int.MaxValue], new byte[16]);

        Assert.That(OneError(Run(_folder.Path)), Is.EqualTo(
            $"{path}: the header's sizes 2147483647×2147483647×2147483647 make more than 536870911 values, more than this " +
            "reader supports (2 GB as float32)."));
    }

    [Test]
    public void An_idx_file_longer_than_its_header_promises_is_refused()
    {
        var path = TestFiles.WriteIdx(_folder.File("train-images-idx3-ubyte.gz"), IdxReader.ImagesMagic, [2, 2, 2], new byte[9], gzip: true);

        Assert.That(OneError(Run(_folder.Path)), Is.EqualTo(
            $"{path}: the file goes on after the 8 bytes of data its header promises (2×2×2); the header or the file is damaged."));
    }

    [Test]
    public void Idx_images_and_labels_of_different_counts_are_refused()
    {
        var images = TestFiles.WriteImages(_folder.File("train-images-idx3-ubyte"), 3, 2, 2, i => (byte)i);
        var labels = TestFiles.WriteLabels(_folder.File("train-labels-idx1-ubyte"), 1, 2);

        Assert.That(OneError(Run(_folder.Path)), Is.EqualTo(
            $"{images} has 3 images but {labels} has 2 labels; they must match one to one."));
    }

    [Test]
    public void An_idx_folder_without_labels_files_is_an_error_when_labels_are_required()
    {
        TestFiles.WriteImages(_folder.File("train-images-idx3-ubyte"), 3, 2, 2, i => (byte)i);

        Assert.That(OneError(Run(_folder.Path, "--set", "data.labels=true")), Is.EqualTo(
            $"{_folder.Path}: data.labels is true but the folder has no labels files (PREFIX-labels-idx1-ubyte[.gz] beside " +
            "train-images-idx3-ubyte); remove data.labels to read the images unlabelled."));
    }

    // ---- data.split ------------------------------------------------------------------------------------------------

    [Test]
    public void A_split_the_idx_folder_lacks_is_one_error_naming_the_manifest_the_folder_and_its_parts()
    {
        var idx = TestFiles.WriteTrainAndT10k(Directory.CreateDirectory(_folder.File("idx")).FullName);
        var manifest = Manifest(idx);

        Assert.That(OneError(CliRunner.Run("validate", manifest, "--set", "data.split=dev")), Is.EqualTo(
            $"{manifest}: data.split: 'dev' is not a part of {idx}, which has train, t10k (test reads t10k); " +
            "give one of them, or 'all' for every part."));
    }

    [Test]
    public void A_split_of_a_csv_file_is_one_error_naming_the_file()
    {
        var csv = TestFiles.WriteText(_folder.File("points.csv"), Rows(30));
        var manifest = Manifest(csv);

        Assert.That(OneError(CliRunner.Run("validate", manifest, "--set", "data.split=train")), Is.EqualTo(
            $"{manifest}: data.split only applies to IDX folders ('fashion-mnist' or a folder of IDX files), not to the CSV " +
            $"file {csv}."));
    }

    [Test]
    public void A_split_of_a_generated_set_is_one_error()
    {
        var manifest = Manifest("blobs");

        Assert.That(OneError(CliRunner.Run("validate", manifest, "--set", "data.split=test")), Is.EqualTo(
            $"{manifest}: data.split only applies to IDX folders ('fashion-mnist' or a folder of IDX files), not to 'blobs'."));
    }

    [Test]
    public void A_run_on_the_test_split_says_so_in_its_log_and_result()
    {
        var idx = Directory.CreateDirectory(_folder.File("images")).FullName;
        TestFiles.WriteImages(Path.Combine(idx, "train-images-idx3-ubyte"), 40, 2, 2, i => (byte)(i * 7));
        TestFiles.WriteLabels(Path.Combine(idx, "train-labels-idx1-ubyte"), Enumerable.Range(0, 40).Select(i => (byte)(i % 2)).ToArray());
        TestFiles.WriteImages(Path.Combine(idx, "t10k-images-idx3-ubyte"), 12, 2, 2, i => (byte)(i * 5));
        TestFiles.WriteLabels(Path.Combine(idx, "t10k-labels-idx1-ubyte"), Enumerable.Range(0, 12).Select(i => (byte)(i % 2)).ToArray());

        var (code, output, error) = Run(idx, "--set", "data.split=test", "--set", "preprocessor=[{\"type\": \"flatten\"}]");

        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(output, Does.Contain($"images (t10k) (IDX folder {idx} (t10k-images-idx3-ubyte)), n=12"));
        var result = JsonNode.Parse(File.ReadAllText(_folder.File(Path.Combine("out", "result.json"))))!;
        Assert.That(result["dataset"]!.GetValue<string>(), Is.EqualTo("images (t10k)"));
        Assert.That(result["dataSource"]!.GetValue<string>(), Does.EndWith("(t10k-images-idx3-ubyte)"));
    }

    // ---- a source that is not there --------------------------------------------------------------------------------

    [Test]
    public void Validate_reports_a_data_source_that_does_not_exist()
    {
        var manifest = Manifest("digits");
        var (code, output, error) = CliRunner.Run("validate", manifest, "--data", "nosuch");

        Assert.That(output, Is.Empty, "nothing is said to be valid");
        Assert.That(OneError((code, output, error)), Is.EqualTo(
            $"{manifest}: data.source: 'nosuch' is neither a built-in data set (digits, digit-pairs, synthetic, blobs, table, fashion-mnist) nor an " +
            $"existing file or folder; tried {_folder.File("nosuch")}, {Path.GetFullPath("nosuch")}."));
    }

    [Test]
    public void Run_reports_a_data_source_that_does_not_exist_before_training()
    {
        var manifest = Manifest("digits");
        var (code, output, error) = CliRunner.Run("run", manifest, "--data", "nosuch", "--out", _folder.File("out"));

        Assert.That(OneError((code, output, error)), Does.StartWith(
            $"{manifest}: data.source: 'nosuch' is neither a built-in data set (digits, digit-pairs, synthetic, blobs, table, fashion-mnist)"));
        Assert.That(output, Does.Not.Contain("pretrain"));
    }

    [Test]
    public void A_data_source_with_a_nul_character_is_refused()
    {
        var manifest = Manifest("a\0b.csv");

        Assert.That(OneError(CliRunner.Run("validate", manifest)), Is.EqualTo(
            $"{manifest}: data.source contains a NUL character, which no path can hold."));
    }

    [Test]
    public void Validate_checks_that_fashion_mnist_is_installed()
    {
        var result = Validate("fashion-mnist");

        if (Directory.Exists(DataCatalog.FashionMnistFolder))
        {
            Assert.That(result.Code, Is.EqualTo(0), result.Error);
            Assert.That(result.Out, Does.Contain(": valid."));
        }
        else
        {
            Assert.That(OneError(result), Is.EqualTo(
                "Fashion-MNIST is not installed: run `sudo apt-get install dataset-fashion-mnist` (Debian package; it installs " +
                "/usr/share/datasets/fashion-mnist/)."));
        }
    }

    // ---- unlabelled CSV --------------------------------------------------------------------------------------------

    /// <summary>Three clusters of 4-D points, written with 5 decimals, no label column.</summary>
    private string UnlabelledCsv()
    {
        var random = new Random(4);
        var text = new StringBuilder();
        for (var i = 0; i < 60; i++)
        {
            var centre = (i % 3) * 5.0;
            text.AppendLine(string.Join(",", Enumerable.Range(0, 4).Select(_ => (centre + random.NextDouble()).ToString("F5",
                System.Globalization.CultureInfo.InvariantCulture))));
        }
        return TestFiles.WriteText(_folder.File("unlabelled.csv"), text.ToString());
    }

    [Test]
    public void An_unlabelled_csv_runs_with_a_cluster_count_and_writes_assignments_without_metrics()
    {
        var path = UnlabelledCsv();
        var firstLast = File.ReadLines(path).First().Split(',')[^1];

        var (code, output, error) = Run(path, "--clusters", "3");

        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(output, Does.Contain(
            $"data: {path}: the last column is not integer labels (line 1: '{firstLast}'); reading all 4 columns as features, " +
            "no labels (set data.labels=true to require labels)"));
        var rows = File.ReadAllLines(_folder.File(Path.Combine("out", "assignments.csv")));
        Assert.That(rows[0], Is.EqualTo("index,cluster"));
        Assert.That(rows, Has.Length.EqualTo(61));
        var result = JsonNode.Parse(File.ReadAllText(_folder.File(Path.Combine("out", "result.json"))))!;
        Assert.That(result["metrics"], Is.Null);
        Assert.That(result["k"]!.GetValue<int>(), Is.EqualTo(3));
    }

    [Test]
    public void An_unlabelled_csv_without_a_cluster_count_asks_for_one()
    {
        var manifest = Manifest(UnlabelledCsv());

        var result = CliRunner.Run("run", manifest, "--out", _folder.File("out"));

        Assert.That(OneError(result), Is.EqualTo(
            $"{manifest}: clusters: not given, and the data set 'unlabelled' has no labels to count; set \"clusters\" in the " +
            "manifest or pass --clusters K."));
    }

    [Test]
    public void Labels_required_on_an_unlabelled_csv_name_the_cell_and_the_way_out()
    {
        var path = UnlabelledCsv();
        var firstLast = File.ReadLines(path).First().Split(',')[^1];

        Assert.That(OneError(Run(path, "--clusters", "3", "--set", "data.labels=true")), Is.EqualTo(
            $"{path}: line 1, column 4: the label '{firstLast}' is not an integer (data.labels=true); set data.labels=false " +
            "to read the last column as a feature."));
    }

    [Test]
    public void A_csv_whose_last_column_is_integers_is_read_as_labelled_and_the_log_says_so()
    {
        var path = TestFiles.WriteText(_folder.File("labelled.csv"), Rows(30));

        var (code, output, error) = Run(path);

        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(output, Does.Contain(
            $"data: {path}: the last column holds integers on every row, read as labels (3 distinct) beside 2 feature columns " +
            "(set data.labels=false to read it as a feature)"));
        Assert.That(File.ReadLines(_folder.File(Path.Combine("out", "assignments.csv"))).First(), Is.EqualTo("index,cluster,label"));
    }

    [Test]
    public void An_integer_column_with_a_value_per_row_is_read_as_a_feature_not_as_labels()
    {
        var rows = string.Concat(Enumerable.Range(0, 120).Select(i => $"{i % 7}.5,{i % 3}.25,{1000 + i}\n"));
        var path = TestFiles.WriteText(_folder.File("ids.csv"), rows);

        var log = new StringWriter();
        using var data = CsvReader.Read(path, log: log);

        Assert.That(data.Labels, Is.Null);
        Assert.That(data.Features.shape, Is.EqualTo(new long[] { 120, 3 }));
        Assert.That(log.ToString(), Does.Contain(
            $"data: {path}: the last column holds integers on every row, but 120 distinct values in 120 rows (an identifier or a " +
            "measurement, not classes); reading all 3 columns as features, no labels (set data.labels=true to read it as labels)"));
    }

    [Test]
    public void A_non_integer_after_integer_rows_makes_the_whole_column_features()
    {
        var path = TestFiles.WriteText(_folder.File("late.csv"), "1,2,3\n4,5,6\n7,8,9.5\n");

        var log = new StringWriter();
        using var data = CsvReader.Read(path, log: log);

        Assert.That(data.Labels, Is.Null);
        Assert.That(data.Features.shape, Is.EqualTo(new long[] { 3, 3 }));
        Assert.That(data.Features[2, 2].item<float>(), Is.EqualTo(9.5f));
        Assert.That(log.ToString().Trim(), Does.Contain("the last column is not integer labels (line 3: '9.5'); reading all 3 columns"));
    }

    [Test]
    public void Built_in_sets_stay_labelled_when_labels_are_not_given()
    {
        using var data = DataCatalog.Load(new DataOptions { Source = "digits", Limit = 20 }, seed: 1);

        Assert.That(data.Labels, Has.Length.EqualTo(20));
    }

    [Test]
    public void A_single_column_csv_is_one_feature_without_labels()
    {
        var path = TestFiles.WriteText(_folder.File("one.csv"), "1\n2\n3\n");

        var log = new StringWriter();
        using var data = CsvReader.Read(path, log: log);

        Assert.That(data.Labels, Is.Null);
        Assert.That(data.Features.shape, Is.EqualTo(new long[] { 3, 1 }));
        Assert.That(log.ToString(), Does.Contain("the last column is not integer labels (it is the only column)"));
    }
}
