using System.Text.Json.Nodes;
using Taxonomy.Host.Manifest;
using Taxonomy.Tests.TestSupport;

namespace Taxonomy.Tests.Manifest;

[TestFixture]
public sealed class FieldAssignmentTests
{
    private static MethodDefinition Load(JsonObject manifest, params FieldAssignment[] overrides)
    {
        var document = ManifestDocument.Parse(manifest.ToJsonString(), Manifests.File);
        document.Apply(overrides);
        return new ManifestLoader(Manifests.Services().Registry).Load(document);
    }

    [Test]
    public void A_typed_override_sets_the_value_it_was_given()
    {
        var method = Load(Manifests.AeKMeans(),
            FieldAssignment.Of("seed", JsonValue.Create(5), "--seed 5"),
            FieldAssignment.Of("clusters", JsonValue.Create(3), "--clusters 3"));
        Assert.That((method.Settings.Seed, method.Settings.Clusters), Is.EqualTo((5, 3)));
    }

    [Test]
    public void A_typed_string_is_kept_exactly_and_shown_as_set_would_write_it()
    {
        const string source = "runs/a \"b\"\\c+d.csv";
        var manifest = Manifests.AeKMeans();
        manifest["data"] = new JsonObject { ["source"] = "digits" };   // without the generated set's options
        var assignment = FieldAssignment.Of("data.source", JsonValue.Create(source), "--data");
        Assert.That(Load(manifest, assignment).Settings.Data.Source, Is.EqualTo(source));
        Assert.That(assignment.Text, Is.EqualTo("data.source=\"runs/a \\\"b\\\"\\\\c+d.csv\""));
    }

    [Test]
    public void A_typed_override_that_cannot_be_applied_names_its_option()
    {
        var manifest = Manifests.AeKMeans();
        manifest["data"] = 5;
        var error = Assert.Throws<ManifestException>(() =>
            Load(manifest, FieldAssignment.Of("data.source", JsonValue.Create("digits"), "--data 'digits'")))!;
        Assert.That(error.Message, Is.EqualTo("--data 'digits': data is the value 5, not a section with fields."));
    }

    [Test]
    public void Overrides_apply_in_order_so_a_later_one_wins()
    {
        var method = Load(Manifests.AeKMeans(), FieldAssignment.Parse("seed=9"), FieldAssignment.Of("seed", JsonValue.Create(4), "--seed 4"));
        Assert.That(method.Settings.Seed, Is.EqualTo(4));
    }
}
