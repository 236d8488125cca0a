using System.Text.Json.Nodes;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Blocks.Features;
using Taxonomy.Host.Manifest;
using Taxonomy.Tests.Data;
using Taxonomy.Tests.TestSupport;

namespace Taxonomy.Tests.Manifest;

[TestFixture]
public sealed class ManifestExtendsTests
{
    private static string Write(TempFolder folder, string name, JsonObject manifest)
    {
        var path = folder.File(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, manifest.ToJsonString());
        return path;
    }

    [Test]
    public void A_manifest_extends_its_base_field_by_field()
    {
        using var temp = new TempFolder();
        Write(temp, "base.json", Manifests.AeKMeans());
        var child = Write(temp, "rows/child.json", new JsonObject
        {
            ["extends"] = "../base.json",
            ["name"] = "child",
            ["branch"] = new JsonObject { ["dims"] = new JsonArray(16, 2) },
            ["optimizer"] = new JsonObject { ["batchSize"] = 64 },
        });

        var root = ManifestDocument.Load(child).Root;

        Assert.That(root["name"]!.ToString(), Is.EqualTo("child"));
        Assert.That(root["branch"]!.ToJsonString(), Is.EqualTo("""{"type":"mlp-autoencoder","dims":[16,2]}"""));
        Assert.That(root["optimizer"]!["learningRate"]!.GetValue<double>(), Is.EqualTo(0.01), "kept from the base");
        Assert.That(root["optimizer"]!["batchSize"]!.GetValue<int>(), Is.EqualTo(64));
        Assert.That(root.ContainsKey("extends"), Is.False);
    }

    [Test]
    public void A_section_naming_another_block_replaces_the_bases_section_whole()
    {
        using var temp = new TempFolder();
        Write(temp, "base.json", Manifests.AeKMeans());
        var child = Write(temp, "child.json", new JsonObject
        {
            ["extends"] = "base.json",
            ["postClustering"] = new JsonObject { ["type"] = "argmax" },
        });

        var section = ManifestDocument.Load(child).Root["postClustering"]!;

        Assert.That(section.ToJsonString(), Is.EqualTo("""{"type":"argmax"}"""), "kmeans's 'restarts' must not leak into argmax");
    }

    [Test]
    public void A_null_field_removes_the_bases_value()
    {
        using var temp = new TempFolder();
        var baseManifest = Manifests.AeKMeans();
        baseManifest["nonClusteringLoss"] = new JsonObject
        {
            ["type"] = "self-augmentation", ["augmentation"] = "vat", ["vat"] = new JsonObject { ["xi"] = 10 },
        };
        Write(temp, "base.json", baseManifest);
        var child = Write(temp, "child.json", new JsonObject
        {
            ["extends"] = "base.json",
            ["nonClusteringLoss"] = new JsonObject { ["type"] = "self-augmentation", ["augmentation"] = "rpt", ["vat"] = null },
        });

        var section = ManifestDocument.Load(child).Root["nonClusteringLoss"]!;

        Assert.That(section.ToJsonString(), Is.EqualTo("""{"type":"self-augmentation","augmentation":"rpt","vat":null}"""));
    }

    [Test]
    public void A_null_scalar_field_removes_the_bases_value_so_the_block_takes_its_default()
    {
        using var temp = new TempFolder();
        var baseManifest = Manifests.AeKMeans();
        baseManifest["featureSelector"] = new JsonObject { ["type"] = "embedding", ["normalize"] = true, ["radius"] = 3 };
        Write(temp, "base.json", baseManifest);
        var child = Write(temp, "child.json", new JsonObject
        {
            ["extends"] = "base.json",
            ["featureSelector"] = new JsonObject { ["normalize"] = null, ["radius"] = null },
        });
        var services = Manifests.Services();

        var definition = services.Loader.Load(child);

        var options = (EmbeddingFeatureSelector.Options)definition[BlockRole.FeatureSelector].Options;
        Assert.That((options.Normalize, options.Radius), Is.EqualTo((false, 1.0)));
    }

    [Test]
    public void Extends_chains_and_a_cycle_is_reported()
    {
        using var temp = new TempFolder();
        Write(temp, "a.json", new JsonObject { ["extends"] = "b.json" });
        Write(temp, "b.json", new JsonObject { ["extends"] = "a.json" });

        var error = Assert.Throws<ManifestException>(() => ManifestDocument.Load(temp.File("a.json")))!.Message;

        Assert.That(error, Does.Contain("extends: 'a.json' extends this manifest again (a cycle:"));
    }

    [Test]
    public void A_missing_base_is_named_with_the_field()
    {
        using var temp = new TempFolder();
        var child = Write(temp, "child.json", new JsonObject { ["extends"] = "nowhere.json" });

        var error = Assert.Throws<ManifestException>(() => ManifestDocument.Load(child))!.Message;

        Assert.That(error, Does.StartWith($"{child}: extends: base manifest '{temp.File("nowhere.json")}' not found."));
    }

    [Test]
    public void Extends_must_be_a_path()
    {
        using var temp = new TempFolder();
        var child = Write(temp, "child.json", new JsonObject { ["extends"] = 3 });

        var error = Assert.Throws<ManifestException>(() => ManifestDocument.Load(child))!.Message;

        Assert.That(error, Does.Contain("extends: expected the path of a base manifest"));
    }

    [Test]
    public void Every_table1_row_manifest_is_valid()
    {
        var services = Manifests.Services();
        var rows = Directory.GetFiles(Path.Combine(TestPaths.RepositoryRoot, "manifests", "table1"), "*.json");
        Assert.That(rows, Is.Not.Empty);
        foreach (var row in rows)
        {
            Assert.DoesNotThrow(() => services.Loader.Load(row), row);
        }
    }
}
