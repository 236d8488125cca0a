using System.Text.Json.Nodes;
using Taxonomy.Host.Manifest;
using Taxonomy.Host.Table1;
using Taxonomy.Tests.Data;
using Taxonomy.Tests.TestSupport;

namespace Taxonomy.Tests.Table1;

[TestFixture]
public sealed class Table1Tests
{
    [Test]
    public void A_rows_cells_are_the_block_names_with_their_non_default_options()
    {
        var manifest = Manifests.AeKMeans();
        manifest["featureSelector"] = new JsonObject { ["type"] = "concatenated-layers", ["layers"] = new JsonArray("hidden1", "embedding") };

        var row = TaxonomyRow.From(Manifests.Load(manifest));

        Assert.That(row.Method, Is.EqualTo("test AE+k-means"));
        Assert.That(row.Cells, Is.EqualTo(new[]
        {
            "mlp-autoencoder (dims 32-4)",
            "concatenated-layers (layers hidden1-embedding)",
            "reconstruction",
            "none",
            "pretrain (epochs 5)",
            "none",
            "kmeans (restarts 3)",
        }));
    }

    [Test]
    public void Nested_options_show_only_their_own_non_default_fields()
    {
        var manifest = Manifests.AeKMeans();
        manifest["nonClusteringLoss"] = new JsonObject
        {
            ["type"] = "self-augmentation", ["augmentation"] = "vat",
            ["vat"] = new JsonObject { ["xi"] = 1, ["neighbour"] = 10 },
        };

        var row = TaxonomyRow.From(Manifests.Load(manifest));

        Assert.That(row.Cells[2], Is.EqualTo("self-augmentation (vat (xi 1))"));
    }

    [Test]
    public void A_nested_option_that_differs_only_in_its_type_adds_no_empty_parentheses()
    {
        var reference = new JsonObject { ["mu"] = 4, ["vat"] = new JsonObject { ["type"] = "", ["xi"] = 10 } };
        var actual = new JsonObject { ["mu"] = 4, ["vat"] = new JsonObject { ["type"] = "vat", ["xi"] = 10 } };

        Assert.That(TaxonomyRow.Changed(actual, reference), Is.Empty);
    }

    [Test]
    public void A_row_whose_run_folder_has_a_report_links_its_method_to_it()
    {
        using var temp = new TempFolder();
        var cells = Enumerable.Repeat("none", TaxonomyRow.Columns.Count).ToArray();
        var result = new JsonObject { ["metrics"] = new JsonObject { ["acc"] = 0.9, ["nmi"] = 0.8, ["ari"] = 0.7 }, ["totalSeconds"] = 3.0 };
        Table1Entry Row(string method, string folder, params string[] files)
        {
            Directory.CreateDirectory(temp.File(folder));
            foreach (var file in files)
            {
                File.WriteAllText(Path.Combine(temp.File(folder), file), "report");
            }
            return new Table1Entry(new TaxonomyRow(method, method + ".json", cells), result, null, temp.File(folder));
        }
        var entries = new[]
        {
            Row("both [x]", "row-1", "report.md", "report.html"),
            Row("html only", "row-2", "report.html"),
            Row("no pictures", "row-3"),
        };

        var markdown = Table1Writer.Markdown(entries, "caption", temp.Path);

        Assert.That(markdown, Does.Contain("| [both \\[x\\]](<row-1/report.md>) | none |"), "report.md, whose pictures sit beside it, comes first");
        Assert.That(markdown, Does.Contain("| [html only](<row-2/report.html>) | none |"));
        Assert.That(markdown, Does.Contain("| no pictures | none |"));
        Assert.That(Table1Writer.Markdown(entries, "caption"), Does.Not.Contain("report."), "without the table's folder there is nothing to link from");
    }

    [Test]
    public void The_table_runs_every_row_and_reports_a_failed_row_with_its_reason()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.File("01-good.json"), Manifests.AeKMeans().ToJsonString());
        var broken = Manifests.AeKMeans();
        broken["name"] = "broken";
        broken["clusteringLoss"] = new JsonObject { ["type"] = "no-such-loss" };
        File.WriteAllText(temp.File("02-broken.json"), broken.ToJsonString());
        File.WriteAllText(temp.File("rows.csv"), "a,b,label\nnot,numbers,0\n");
        var unreadable = Manifests.AeKMeans();
        unreadable["name"] = "unreadable data";
        unreadable["data"] = new JsonObject { ["source"] = temp.File("rows.csv") };
        File.WriteAllText(temp.File("03-unreadable.json"), unreadable.ToJsonString());

        var entries = Table1Runner.Run(Table1Runner.Manifests(temp.Path, filter: null), ["threads=1"], epochLimit: 2,
            temp.File("out"), jobs: 1, TextWriter.Null);

        Assert.That(entries.Select(e => e.Row.Method), Is.EqualTo(new[] { "test AE+k-means", "broken", "unreadable data" }));
        Assert.That(entries[0].Result!["metrics"]!["acc"]!.GetValue<double>(), Is.GreaterThan(0.9));
        Assert.That(entries[1].Failure, Does.Contain("clusteringLoss.type: unknown clusteringLoss 'no-such-loss'"));
        Assert.That(entries[1].Row.Cells[3], Is.EqualTo("no-such-loss"), "a row that cannot be bound still shows its blocks");
        Assert.That(entries[2].Failure, Does.Contain("rows.csv"), "a row that fails while running reports its error line");

        var markdown = Table1Writer.Markdown(entries, "caption");
        Assert.That(markdown, Does.Contain("| test AE+k-means | mlp-autoencoder (dims 32-4) |"));
        Assert.That(markdown, Does.Contain("| broken |").And.Contain("| failed |"));
        var csv = Table1Writer.Csv(entries).Split('\n');
        Assert.That(csv[0], Does.StartWith("method,manifest,Architecture,"));
        Assert.That(csv[2], Does.Contain(",\"failed: "));
    }

    [Test]
    public void A_second_table_keeps_the_rows_complete_from_the_first()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.File("01-good.json"), Manifests.AeKMeans().ToJsonString());
        var rows = Table1Runner.Manifests(temp.Path, filter: null);
        var first = Table1Runner.Run(rows, ["threads=1"], epochLimit: 1, temp.File("out"), jobs: 1, TextWriter.Null);
        var log = new StringWriter();

        var second = Table1Runner.Run(rows, ["threads=1"], epochLimit: 1, temp.File("out"), jobs: 1, log);

        Assert.That(log.ToString(), Does.Contain("1 of 1 runs already complete, skipped"));
        Assert.That(second[0].Result!.ToJsonString(), Is.EqualTo(first[0].Result!.ToJsonString()));
    }

    [Test]
    public void The_filter_keeps_rows_by_file_or_method_name_and_says_which_rows_exist()
    {
        var folder = Path.Combine(TestPaths.RepositoryRoot, "manifests", "table1");

        Assert.That(Table1Runner.Manifests(folder, "dcn").Select(Path.GetFileName), Is.EqualTo(new[] { "04-dcn.json" }));
        Assert.That(Table1Runner.Manifests(folder, "Neural Clustering").Select(Path.GetFileName), Is.EqualTo(new[] { "06-neural-clustering.json" }));
        Assert.That(Table1Runner.Manifests(folder, "vade").Select(Path.GetFileName), Is.EqualTo(new[] { "14-vade.json" }));
        var error = Assert.Throws<ManifestException>(() => Table1Runner.Manifests(folder, "nmmc"))!.Message;
        Assert.That(error, Does.Contain("no manifest in").And.Contain("matches 'nmmc'. Rows: 01-dec, "));
    }

    [Test]
    public void The_cli_writes_table1_md_and_csv()
    {
        using var temp = new TempFolder();
        var rows = Directory.CreateDirectory(temp.File("rows")).FullName;
        File.WriteAllText(Path.Combine(rows, "ae.json"), Manifests.AeKMeans().ToJsonString());

        var (code, output, error) = CliRunner.Run("table1", "--rows", rows, "--out", temp.File("out"), "--set", "threads=1", "--epochs", "2");

        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(output, Does.Contain("table1: 1 of 1 rows ran"));
        Assert.That(File.ReadAllText(temp.File("out/table1.md")), Does.Contain("at most 2 epochs per phase"));
        Assert.That(File.ReadAllLines(temp.File("out/table1.csv")), Has.Length.EqualTo(2));
    }
}
