using System.Text.Json.Nodes;
using Taxonomy.Tests.Hostile;
using static Taxonomy.Tests.Hostile.CliCases;

namespace Taxonomy.Tests.Models;

/// <summary>`taxonomy run` writes a model; `predict` and `embed` read it back without the training run.</summary>
[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class ModelCommandTests
{
    private CliCases _cases = null!;

    [SetUp]
    public void CreateCases() => _cases = new CliCases();

    [TearDown]
    public void RemoveCases() => _cases.Dispose();

    private string Run(Action<JsonObject>? edit = null)
    {
        var folder = _cases.PathOf($"run-{Guid.NewGuid():N}");
        var (code, _, error) = RunTaxonomy("run", _cases.Manifest(edit), "--out", folder);
        Assert.That(code, Is.EqualTo(0), error);
        return folder;
    }

    private static void Dec(JsonObject m)
    {
        m["schedule"] = new JsonObject { ["type"] = "pretrain-then-joint", ["pretrainEpochs"] = 1, ["clusteringEpochs"] = 2 };
        m["clusteringLoss"] = new JsonObject { ["type"] = "cluster-hardening", ["weight"] = 0.1 };
        m["clusterUpdater"] = new JsonObject { ["type"] = "target-distribution", ["everyIterations"] = 3, ["restarts"] = 2 };
        m["postClustering"] = new JsonObject { ["type"] = "argmax" };
    }

    [Test]
    public void Predicting_the_training_data_reproduces_the_runs_assignments_file_byte_for_byte()
    {
        var run = Run();
        var predictions = _cases.PathOf("predicted");
        var (code, output, error) = RunTaxonomy("predict", run, "--out", predictions);

        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(File.ReadAllText(Path.Combine(predictions, "assignments.csv")),
            Is.EqualTo(File.ReadAllText(Path.Combine(run, "assignments.csv"))));
        var prediction = JsonNode.Parse(File.ReadAllText(Path.Combine(predictions, "prediction.json")))!;
        var result = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "result.json")))!;
        Assert.That(prediction["metrics"]!.ToJsonString(), Is.EqualTo(result["metrics"]!.ToJsonString()));
        Assert.That(prediction["clusterSizes"]!.ToJsonString(), Is.EqualTo(result["clusterSizes"]!.ToJsonString()));
        Assert.That(output, Does.Contain($"predicted 200 samples of blobs into {predictions}: ACC "));
    }

    [Test]
    public void Soft_assignments_of_a_DEC_model_are_written_and_reproduced()
    {
        var run = Run(Dec);
        var predictions = _cases.PathOf("predicted");
        var (code, _, error) = RunTaxonomy("predict", run, "--out", predictions);

        Assert.That(code, Is.EqualTo(0), error);
        var probabilities = File.ReadAllLines(Path.Combine(run, "probabilities.csv"));
        Assert.That(probabilities[0], Is.EqualTo("index,p0,p1,p2,p3"));
        Assert.That(probabilities, Has.Length.EqualTo(201));
        var row = probabilities[1].Split(',').Skip(1).Select(double.Parse).ToArray();
        Assert.That(row.Sum(), Is.EqualTo(1).Within(1e-5));
        Assert.That(File.ReadAllLines(Path.Combine(predictions, "probabilities.csv")), Is.EqualTo(probabilities));
    }

    [Test]
    public void Predict_reads_other_data_and_reports_it()
    {
        var run = Run();
        var csv = _cases.PathOf("new.csv");
        File.WriteAllLines(csv, Enumerable.Range(0, 12).Select(i => string.Join(",", Enumerable.Repeat(i % 3 * 4.0, 8)) + $",{i % 3}"));
        var predictions = _cases.PathOf("predicted");
        var (code, output, error) = RunTaxonomy("predict", run, "--data", csv, "--out", predictions);

        Assert.That(code, Is.EqualTo(0), error);
        var rows = File.ReadAllLines(Path.Combine(predictions, "assignments.csv"));
        Assert.That(rows[0], Is.EqualTo("index,cluster,label"));
        Assert.That(rows, Has.Length.EqualTo(13));
        // Rows that are equal get the same cluster.
        Assert.That(rows[1].Split(',')[1], Is.EqualTo(rows[4].Split(',')[1]));
        Assert.That(output, Does.Contain("predicted 12 samples of new into"));
    }

    [Test]
    public void Data_of_another_shape_is_one_line_naming_both_shapes_and_writes_nothing()
    {
        var run = Run();
        var predictions = _cases.PathOf("predicted");
        var line = OneErrorLine(RunTaxonomy("predict", run, "--data", "digits", "--out", predictions));

        Assert.That(line, Does.StartWith("error: UCI Optical Recognition of Handwritten Digits")
            .And.EndWith(": samples of shape [64], but the model was trained on samples of shape [8]."));
        Assert.That(Directory.Exists(predictions), Is.False);
    }

    [Test]
    public void A_set_outside_data_is_refused()
    {
        var run = Run();
        Assert.That(OneErrorLine(RunTaxonomy("predict", run, "--set", "seed=3")),
            Is.EqualTo("error: --set 'seed=3': here only the data.* fields can be set."));
    }

    [Test]
    public void Embed_writes_the_clustering_features_and_a_named_layer()
    {
        var run = Run();
        var features = _cases.PathOf("features.csv");
        var (code, output, error) = RunTaxonomy("embed", run, "--out", features);
        Assert.That(code, Is.EqualTo(0), error);
        var lines = File.ReadAllLines(features);
        Assert.That(lines[0], Is.EqualTo(string.Join(",", Enumerable.Range(0, 4).Select(j => $"f{j}"))));
        Assert.That(lines, Has.Length.EqualTo(201));
        Assert.That(lines[1].Split(',').Select(float.Parse).All(float.IsFinite));
        Assert.That(output, Does.Contain("wrote 200 × 4 clustering features of blobs to"));

        var reconstruction = _cases.PathOf("reconstruction.csv");
        (code, _, error) = RunTaxonomy("embed", run, "--layer", "reconstruction", "--out", reconstruction);
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(File.ReadAllLines(reconstruction)[0].Split(','), Has.Length.EqualTo(8));
    }

    [Test]
    public void Embed_writes_a_numpy_file_with_the_same_values_as_the_csv()
    {
        var run = Run();
        var (csv, npy) = (_cases.PathOf("f.csv"), _cases.PathOf("f.npy"));
        Assert.That(RunTaxonomy("embed", run, "--out", csv).Code, Is.EqualTo(0));
        Assert.That(RunTaxonomy("embed", run, "--out", npy).Code, Is.EqualTo(0));
        var (rows, columns, values) = Host.Output.NpyFile.ReadFloat32(npy);
        Assert.That((rows, columns), Is.EqualTo((200, 4)));
        var fromCsv = File.ReadAllLines(csv).Skip(1).SelectMany(line => line.Split(',').Select(float.Parse)).ToArray();
        Assert.That(values, Is.EqualTo(fromCsv));
    }

    [Test]
    public void Embed_refuses_an_unknown_layer_and_an_unknown_file_kind()
    {
        var run = Run();
        Assert.That(OneErrorLine(RunTaxonomy("embed", run, "--layer", "nosuch", "--out", _cases.PathOf("x.csv"))),
            Is.EqualTo("error: --layer: branch ('mlp-autoencoder') has no output 'nosuch' (it produces: embedding, hidden1, reconstruction)."));
        Assert.That(OneErrorLine(RunTaxonomy("embed", run, "--out", _cases.PathOf("x.txt"))),
            Does.StartWith("error: --out '").And.EndWith("x.txt': write a .csv or a .npy file."));
    }
}
