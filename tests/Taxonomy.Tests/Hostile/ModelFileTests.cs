using System.Text.Json.Nodes;
using static Taxonomy.Tests.Hostile.CliCases;

namespace Taxonomy.Tests.Hostile;

/// <summary>
/// A model that is missing, incomplete, damaged, from another architecture or of another format version is refused
/// with one line naming the file and what does not match, before anything is written.
/// </summary>
[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class ModelFileTests
{
    private CliCases _cases = null!;
    private string _model = null!;

    [SetUp]
    public void TrainOne()
    {
        _cases = new CliCases();
        var run = _cases.PathOf("run");
        var (code, _, error) = RunTaxonomy("run", _cases.Manifest(), "--out", run);
        Assert.That(code, Is.EqualTo(0), error);
        _model = Path.Combine(run, "model");
    }

    [TearDown]
    public void RemoveCases() => _cases.Dispose();

    private string Predict(string model)
    {
        var output = _cases.PathOf("predicted");
        var line = OneErrorLine(RunTaxonomy("predict", model, "--out", output));
        Assert.That(Directory.Exists(output), Is.False, "nothing is written for a model that is refused");
        return line;
    }

    private string File(string name) => Path.Combine(_model, name);

    [Test]
    public void A_missing_model_is_named() =>
        Assert.That(Predict(_cases.PathOf("nosuch")), Is.EqualTo($"error: {_cases.PathOf("nosuch")}: model not found."));

    [Test]
    public void A_folder_without_model_json_is_an_incomplete_model()
    {
        System.IO.File.Delete(File("model.json"));
        Assert.That(Predict(_model), Is.EqualTo($"error: {_model}: no model.json: not a model folder, or one whose saving did not finish."));
    }

    [Test]
    public void A_truncated_state_file_is_refused_by_its_length()
    {
        var state = File("state.bin");
        var bytes = System.IO.File.ReadAllBytes(state);
        System.IO.File.WriteAllBytes(state, bytes[..^7]);
        Assert.That(Predict(_model), Is.EqualTo(
            $"error: {state}: {bytes.Length - 7:N0} bytes, but model.json says {bytes.Length:N0}; the file is truncated or was changed."));
    }

    [Test]
    public void A_changed_byte_in_the_weights_is_refused_by_its_checksum()
    {
        var weights = File("branch.pt");
        var bytes = System.IO.File.ReadAllBytes(weights);
        bytes[^3] ^= 0x40;
        System.IO.File.WriteAllBytes(weights, bytes);
        Assert.That(Predict(_model), Is.EqualTo(
            $"error: {weights}: its SHA-256 differs from the one model.json records; the file was changed or damaged."));
    }

    [Test]
    public void Another_format_version_names_both_versions()
    {
        var descriptor = JsonNode.Parse(System.IO.File.ReadAllText(File("model.json")))!.AsObject();
        descriptor["formatVersion"] = 2;
        System.IO.File.WriteAllText(File("model.json"), descriptor.ToJsonString());
        Assert.That(Predict(_model), Does.StartWith($"error: {File("model.json")}: model format 2, written by taxonomy ")
            .And.EndWith("reads format 1. Train the model again with this version."));
    }

    [Test]
    public void A_model_json_that_is_not_json_is_damaged()
    {
        System.IO.File.WriteAllText(File("model.json"), "{ \"format\": ");
        Assert.That(Predict(_model), Does.StartWith($"error: {File("model.json")}: not valid JSON (").And.EndWith("); the file is damaged."));
    }

    [Test]
    public void Weights_of_another_architecture_are_refused_naming_the_file()
    {
        // A consistent model folder whose weights come from a wider network: every checksum matches, the shapes do not.
        var other = _cases.PathOf("other");
        var manifest = _cases.Manifest(m => m["branch"]!["dims"] = new JsonArray(16, 4));
        Assert.That(RunTaxonomy("run", manifest, "--out", other).Code, Is.EqualTo(0));
        foreach (var name in new[] { "branch.pt", "branch.pt.json" })
        {
            System.IO.File.Copy(Path.Combine(other, "model", name), File(name), overwrite: true);
        }
        var descriptor = JsonNode.Parse(System.IO.File.ReadAllText(File("model.json")))!.AsObject();
        var otherFiles = JsonNode.Parse(System.IO.File.ReadAllText(Path.Combine(other, "model", "model.json")))!["files"]!;
        descriptor["files"]!["branch.pt"] = otherFiles["branch.pt"]!.DeepClone();
        descriptor["files"]!["branch.pt.json"] = otherFiles["branch.pt.json"]!.DeepClone();
        System.IO.File.WriteAllText(File("model.json"), descriptor.ToJsonString());

        Assert.That(Predict(_model), Does.StartWith($"error: {File("branch.pt")}: ").And.Contain("[16, 8]").Or.Contain("[32, 8]"));
    }

    [Test]
    public void A_model_path_that_is_a_file_is_not_a_model()
    {
        var file = _cases.PathOf("file.txt");
        System.IO.File.WriteAllText(file, "x");
        Assert.That(Predict(file), Is.EqualTo($"error: {file}: not a model; give a model folder (a run's model/ folder, or the run folder itself)."));
    }
}
