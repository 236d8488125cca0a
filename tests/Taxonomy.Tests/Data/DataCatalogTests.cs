using Taxonomy.Blocks.Data;
using TorchSharp;

namespace Taxonomy.Tests.Data;

[TestFixture]
public sealed class DataCatalogTests
{
    private TempFolder _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = new TempFolder();

    [TearDown]
    public void DeleteFolder() => _folder.Dispose();

    [Test]
    public void Digits_is_the_default_and_loads_1797_images_of_64_pixels_in_0_to_16_with_10_labels()
    {
        using var data = DataCatalog.Load(new DataOptions(), seed: 1);

        Assert.That(data.Name, Is.EqualTo("digits"));
        Assert.That(data.Features.shape, Is.EqualTo(new long[] { 1797, 64 }));
        Assert.That(data.Features.min().item<float>(), Is.EqualTo(0f));
        Assert.That(data.Features.max().item<float>(), Is.EqualTo(16f));
        Assert.That(data.Labels!.Distinct().Order(), Is.EqualTo(Enumerable.Range(0, 10)));
    }

    [Test]
    public void A_limit_keeps_the_first_samples()
    {
        using var all = DataCatalog.Load(new DataOptions { Source = "synthetic", PerCluster = 50 }, seed: 1);
        using var some = DataCatalog.Load(new DataOptions { Source = "synthetic", PerCluster = 50, Limit = 30 }, seed: 1);

        Assert.That(some.Count, Is.EqualTo(30));
        Assert.That(some.Labels, Is.EqualTo(all.Labels![..30]));
        using var head = all.Features[..30];
        Assert.That(some.Features.data<float>().ToArray(), Is.EqualTo(head.data<float>().ToArray()));
    }

    [Test]
    public void A_limit_on_digits_stops_reading_early()
    {
        using var data = DataCatalog.Load(new DataOptions { Limit = 100 }, seed: 1);

        Assert.That(data.Count, Is.EqualTo(100));
    }

    [TestCase(0)]
    [TestCase(-5)]
    public void A_limit_that_is_not_positive_is_rejected(int limit)
    {
        Assert.That(() => DataCatalog.Load(new DataOptions { Limit = limit }, seed: 1),
            Throws.TypeOf<DataException>().With.Message.Contains($"data.limit must be positive (or absent for all samples), got {limit}"));
    }

    [TestCase(double.NaN, "NaN")]
    [TestCase(-1.5, "-1.5")]
    public void A_spread_that_is_negative_or_not_finite_is_rejected(double spread, string shown)
    {
        Assert.That(() => DataCatalog.Load(new DataOptions { Source = "blobs", Spread = spread }, seed: 1),
            Throws.TypeOf<DataException>().With.Message.EqualTo(
                $"data.spread must be a finite standard deviation >= 0, got {shown}."));
    }

    [Test]
    public void Synthetic_and_blobs_take_their_options()
    {
        using var synthetic = DataCatalog.Load(new DataOptions { Source = "synthetic", PerCluster = 10 }, seed: 1);
        using var blobs = DataCatalog.Load(
            new DataOptions { Source = "Blobs", Clusters = 3, PerCluster = 5, Dimensions = 7, Spread = 2 }, seed: 1);

        Assert.That(synthetic.Features.shape, Is.EqualTo(new long[] { 40, 100 }));
        Assert.That(blobs.Features.shape, Is.EqualTo(new long[] { 15, 7 }));
    }

    [Test]
    public void An_unknown_name_lists_the_built_ins_and_the_paths_tried()
    {
        Assert.That(() => DataCatalog.Load(new DataOptions { Source = "mnist" }, seed: 1, baseDirectory: _folder.Path),
            Throws.TypeOf<DataException>()
                .With.Message.Contains("data.source: 'mnist' is neither a built-in data set (digits, digit-pairs, synthetic, blobs, table, fashion-mnist)")
                .And.Message.Contains(Path.Combine(_folder.Path, "mnist"))
                .And.Message.Contains(Path.Combine(Environment.CurrentDirectory, "mnist")));
    }

    [Test]
    public void A_relative_csv_path_resolves_against_the_manifest_folder()
    {
        Directory.CreateDirectory(_folder.File("sets"));
        TestFiles.WriteText(_folder.File(Path.Combine("sets", "points.csv")), "1,2,0\n3,4,1\n");

        using var data = DataCatalog.Load(new DataOptions { Source = "sets/points.csv" }, seed: 1, baseDirectory: _folder.Path);

        Assert.That(data.Name, Is.EqualTo("points"));
        Assert.That(data.Labels, Is.EqualTo(new[] { 0, 1 }));
    }

    [Test]
    public void A_relative_path_falls_back_to_the_current_directory()
    {
        TestFiles.WriteText(_folder.File("here.csv"), "5,6\n");
        var previous = Environment.CurrentDirectory;
        try
        {
            Environment.CurrentDirectory = _folder.Path;
            using var data = DataCatalog.Load(
                new DataOptions { Source = "here.csv", Labels = false }, seed: 1, baseDirectory: Path.GetTempPath());

            Assert.That(data.Features.data<float>().ToArray(), Is.EqualTo(new[] { 5f, 6f }));
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }
    }

    [Test]
    public void A_folder_path_reads_idx_files()
    {
        TestFiles.WriteImages(_folder.File("train-images-idx3-ubyte"), 2, 2, 2, i => (byte)i);

        using var data = DataCatalog.Load(new DataOptions { Source = _folder.Path }, seed: 1);

        Assert.That(data.Features.shape, Is.EqualTo(new long[] { 2, 1, 2, 2 }));
    }

    [TestCase("train", 2, new[] { 4, 5 }, "train")]
    [TestCase("test", 1, new[] { 7 }, "t10k")]
    [TestCase("all", 3, new[] { 4, 5, 7 }, null)]
    public void A_split_of_a_folder_reads_that_part(string split, int count, int[] labels, string? part)
    {
        TestFiles.WriteTrainAndT10k(_folder.Path);
        var options = new DataOptions { Source = _folder.Path, Split = split };

        using var data = DataCatalog.Load(options, seed: 1);

        Assert.That(data.Count, Is.EqualTo(count));
        Assert.That(data.Labels, Is.EqualTo(labels));
        Assert.That(data.Name, Is.EqualTo(Path.GetFileName(_folder.Path) + (part is null ? "" : $" ({part})")));
        Assert.That(DataCatalog.SplitPart(options, baseDirectory: null), Is.EqualTo(part));
    }

    [Test]
    public void A_limit_applies_to_the_split()
    {
        TestFiles.WriteTrainAndT10k(_folder.Path);

        using var data = DataCatalog.Load(new DataOptions { Source = _folder.Path, Split = "train", Limit = 1 }, seed: 1);

        Assert.That(data.Labels, Is.EqualTo(new[] { 4 }));
    }

    [Test]
    public void An_unknown_split_is_refused_by_the_check_naming_the_manifest()
    {
        TestFiles.WriteTrainAndT10k(_folder.Path);

        Assert.That(() => DataCatalog.Check(new DataOptions { Source = _folder.Path, Split = "valid" }, manifest: "m.json"),
            Throws.TypeOf<DataException>().With.Message.EqualTo(
                $"m.json: data.split: 'valid' is not a part of {_folder.Path}, which has train, t10k (test reads t10k); " +
                "give one of them, or 'all' for every part."));
    }

    [TestCase("digits")]
    [TestCase("synthetic")]
    [TestCase("blobs")]
    public void A_split_of_a_generated_or_embedded_set_is_refused(string source)
    {
        Assert.That(() => DataCatalog.Load(new DataOptions { Source = source, Split = "train" }, seed: 1),
            Throws.TypeOf<DataException>().With.Message.EqualTo(
                $"data.split only applies to IDX folders ('fashion-mnist' or a folder of IDX files), not to '{source}'."));
    }

    [Test]
    public void A_split_of_a_csv_file_is_refused_naming_the_file()
    {
        var path = TestFiles.WriteText(_folder.File("points.csv"), "1,2,0\n3,4,1\n");

        Assert.That(() => DataCatalog.Load(new DataOptions { Source = path, Split = "test" }, seed: 1),
            Throws.TypeOf<DataException>().With.Message.EqualTo(
                $"data.split only applies to IDX folders ('fashion-mnist' or a folder of IDX files), not to the CSV file {path}."));
    }

    [TestCase("")]
    [TestCase("  ")]
    public void An_empty_split_is_refused(string split)
    {
        Assert.That(() => DataCatalog.Load(new DataOptions { Split = split }, seed: 1),
            Throws.TypeOf<DataException>().With.Message.EqualTo(
                "data.split is empty: give 'all' for every part of an IDX folder, or a part's prefix such as train or t10k."));
    }

    [Test]
    public void A_file_that_is_not_csv_is_rejected_with_the_supported_kinds()
    {
        var path = TestFiles.WriteText(_folder.File("data.json"), "{}");

        Assert.That(() => DataCatalog.Load(new DataOptions { Source = path }, seed: 1),
            Throws.TypeOf<DataException>().With.Message.Contains("data.json: unsupported data file; expected a .csv or .csv.gz file"));
    }

    [Test]
    public void Missing_fashion_mnist_says_how_to_install_it()
    {
        Assert.That(() => DataCatalog.LoadFashionMnist(_folder.File("absent")),
            Throws.TypeOf<DataException>().With.Message.EqualTo(
                "Fashion-MNIST is not installed: run `sudo apt-get install dataset-fashion-mnist` " +
                "(Debian package; it installs /usr/share/datasets/fashion-mnist/)."));
    }

    [Test]
    public void Fashion_mnist_loads_70000_images_of_1_by_28_by_28_with_labels_0_to_9()
    {
        if (!Directory.Exists(DataCatalog.FashionMnistFolder))
        {
            Assert.Ignore("Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist).");
        }

        using var data = DataCatalog.Load(new DataOptions { Source = "fashion-mnist" }, seed: 1);

        Assert.That(data.Name, Is.EqualTo("fashion-mnist"));
        Assert.That(data.Features.shape, Is.EqualTo(new long[] { 70_000, 1, 28, 28 }));
        Assert.That(data.Labels!.Distinct().Order(), Is.EqualTo(Enumerable.Range(0, 10)));
        Assert.That(data.Features.max().item<float>(), Is.EqualTo(255f));
    }

    [TestCase("train", 60_000, "fashion-mnist (train)")]
    [TestCase("test", 10_000, "fashion-mnist (t10k)")]
    public void Fashion_mnist_splits_into_60000_training_and_10000_test_images(string split, int count, string name)
    {
        if (!Directory.Exists(DataCatalog.FashionMnistFolder))
        {
            Assert.Ignore("Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist).");
        }

        using var data = DataCatalog.Load(new DataOptions { Source = "fashion-mnist", Split = split }, seed: 1);

        Assert.That(data.Name, Is.EqualTo(name));
        Assert.That(data.Count, Is.EqualTo(count));
        Assert.That(data.Labels!.Distinct().Order(), Is.EqualTo(Enumerable.Range(0, 10)));
    }

    [Test]
    public void Labels_false_on_a_built_in_set_drops_its_labels()
    {
        using var data = DataCatalog.Load(new DataOptions { Source = "digits", Labels = false }, seed: 0);
        Assert.That(data.Labels, Is.Null);
        Assert.That(data.Features.shape, Is.EqualTo(new long[] { 1797, 64 }));
    }

    [Test]
    public void Generator_options_on_a_data_set_that_is_not_generated_are_rejected()
    {
        var error = Assert.Throws<DataException>(() => DataCatalog.Load(new DataOptions { Source = "digits", PerCluster = 10 }, seed: 0))!;
        Assert.That(error.Message, Is.EqualTo("data.perCluster only applies to the generated sets 'synthetic', 'blobs' and 'table', not to 'digits'."));
        error = Assert.Throws<DataException>(() => DataCatalog.Load(new DataOptions { Source = "synthetic", Dimensions = 3 }, seed: 0))!;
        Assert.That(error.Message, Is.EqualTo("data.clusters and data.dimensions only apply to 'blobs' and 'table', not to 'synthetic'."));
        error = Assert.Throws<DataException>(() => DataCatalog.Load(new DataOptions { Source = "digits", Spread = 3 }, seed: 0))!;
        Assert.That(error.Message, Is.EqualTo("data.spread only applies to 'blobs' and 'table', not to 'digits'."));
        error = Assert.Throws<DataException>(() => DataCatalog.Load(new DataOptions { Source = "blobs", Irrelevant = 3 }, seed: 0))!;
        Assert.That(error.Message, Is.EqualTo("data.irrelevant only applies to 'table', not to 'blobs'."));
    }
}
