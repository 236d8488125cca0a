using System.Text.Json;
using System.Text.Json.Nodes;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Blocks.Branches;
using Taxonomy.Blocks.PostClustering;
using Taxonomy.Tests.TestSupport;

namespace Taxonomy.Tests.Hostile;

/// <summary>
/// What a user can write wrong in a manifest or a --set: each is refused by `taxonomy validate` (and `run`) with exit
/// code 2 and one line naming the file or assignment, the field's manifest path and, for the file, the line.
/// </summary>
[TestFixture]
[NonParallelizable]   // the command line writes to the console, which the runner redirects
public sealed class ManifestInputTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() =>
        Directory.CreateDirectory(_folder = Path.Combine(Path.GetTempPath(), $"taxonomy-hostile-manifest-{Guid.NewGuid():N}"));

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private string WriteManifest(JsonObject manifest) =>
        Write("m.json", manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

    /// <summary>The one line the command printed on standard error, after checking it failed with exit code 2.</summary>
    private static string Refused(params string[] args)
    {
        var (code, _, error) = CliRunner.Run(args);
        Assert.That(code, Is.EqualTo(2), error);
        var lines = error.TrimEnd('\n').Split('\n');
        Assert.That(lines, Has.Length.EqualTo(1), error);
        return lines[0];
    }

    private static void Valid(params string[] args)
    {
        var (code, output, error) = CliRunner.Run(args);
        Assert.That((code, error), Is.EqualTo((0, "")), output);
    }

    // ---- The file itself ----

    [Test]
    public void An_empty_manifest_file_is_refused_as_empty()
    {
        var path = Write("m.json", "\n  \n");
        Assert.That(Refused("validate", path), Is.EqualTo($"error: {path}: the file is empty; a manifest is a JSON object {{ ... }}."));
    }

    [Test]
    public void Invalid_json_is_reported_once_with_its_line_and_position()
    {
        var path = Write("m.json", "{\n  \"seed\": 1,\n  \"name\": x\n}");
        Assert.That(Refused("validate", path), Is.EqualTo(
            $"error: {path}: invalid JSON at line 3, position 11: 'x' is an invalid start of a value."));
    }

    // ---- Fields written twice ----

    [Test]
    public void A_field_written_twice_is_refused_naming_it_and_both_lines()
    {
        var path = Write("m.json", "{\n  \"name\": \"x\",\n  \"seed\": 1,\n  \"seed\": 2\n}");
        Assert.That(Refused("validate", path), Is.EqualTo(
            $"error: {path}: line 4: duplicate field 'seed' (also at line 3; field names are case-insensitive)."));
    }

    [Test]
    public void Fields_differing_only_in_case_are_the_same_field()
    {
        var path = Write("m.json", "{\n  \"name\": \"x\",\n  \"seed\": 1,\n  \"Seed\": 2\n}");
        Assert.That(Refused("validate", path), Is.EqualTo(
            $"error: {path}: line 4: duplicate field 'Seed' (also at line 3; field names are case-insensitive)."));
    }

    [Test]
    public void A_field_repeated_inside_a_block_section_is_named_by_its_path()
    {
        var path = Write("m.json",
            "{\n  \"branch\": {\n    \"type\": \"mlp-autoencoder\",\n    \"dims\": [32, 4],\n    \"Dims\": [8]\n  }\n}");
        Assert.That(Refused("validate", path), Is.EqualTo(
            $"error: {path}: line 5: duplicate field 'branch.Dims' (also at line 4; field names are case-insensitive)."));
    }

    [Test]
    public void A_field_repeated_inside_a_list_element_names_the_element()
    {
        var path = Write("m.json",
            "{ \"preprocessor\": [\n  { \"type\": \"standardize\" },\n  { \"type\": \"flatten\",\n    \"TYPE\": \"reshape\" } ] }");
        Assert.That(Refused("validate", path), Is.EqualTo(
            $"error: {path}: line 4: duplicate field 'preprocessor[1].TYPE' (also at line 3; field names are case-insensitive)."));
    }

    [Test]
    public void A_repeated_field_in_a_base_manifest_is_reported_with_the_base_file()
    {
        var basePath = Write("base.json", "{\n  \"clusters\": 4,\n  \"Clusters\": 5\n}");
        var path = Write("m.json", "{ \"extends\": \"base.json\" }");
        Assert.That(Refused("validate", path), Is.EqualTo(
            $"error: {basePath}: line 3: duplicate field 'Clusters' (also at line 2; field names are case-insensitive)."));
    }

    [Test]
    public void A_set_value_with_a_repeated_field_is_refused()
    {
        var path = WriteManifest(Manifests.AeKMeans());
        Assert.That(Refused("validate", path, "--set", "postClustering={\"type\": \"kmeans\", \"restarts\": 2, \"Restarts\": 3}"),
            Is.EqualTo("error: --set 'postClustering={\"type\": \"kmeans\", \"restarts\": 2, \"Restarts\": 3}': " +
                       "the value has the field 'Restarts' twice (field names are case-insensitive)."));
    }

    [Test]
    public void The_same_field_name_in_different_sections_is_not_a_duplicate()
    {
        // "type" and "weight" appear in many sections; "dims" in a list element and beside it.
        var manifest = Manifests.AeKMeans();
        manifest["nonClusteringLoss"]!["weight"] = 1.0;
        manifest["preprocessor"] = new JsonArray(new JsonObject { ["type"] = "standardize" }, new JsonObject { ["type"] = "unit-scale" });
        Valid("validate", WriteManifest(manifest));
    }

    // ---- Ranges, with manifest paths ----

    [TestCase("-1", "-1")]
    [TestCase("0", "0")]
    [TestCase("1e6", "1000000")]
    [TestCase("NaN", "NaN")]
    [TestCase("Infinity", "Infinity")]
    [TestCase("-Infinity", "-Infinity")]
    [TestCase("1e999", "Infinity")]
    public void An_absurd_learning_rate_is_refused_with_its_range(string value, string shown)
    {
        var path = WriteManifest(Manifests.AeKMeans());
        Assert.That(Refused("validate", path, "--set", $"optimizer.learningRate={value}"), Is.EqualTo(
            $"error: {path}: optimizer.learningRate must be > 0 and ≤ 10, got {shown}"));
    }

    [Test]
    public void The_largest_accepted_learning_rate_is_ten()
    {
        var path = WriteManifest(Manifests.AeKMeans());
        Valid("validate", path, "--set", "optimizer.learningRate=10");
        Assert.That(Refused("validate", path, "--set", "optimizer.learningRate=10.5"), Does.EndWith("got 10.5"));
    }

    [Test]
    public void A_negative_batch_size_fails_validate_and_run_before_anything_is_written()
    {
        var path = WriteManifest(Manifests.AeKMeans());
        var output = Path.Combine(_folder, "out");
        var expected = $"error: {path}: optimizer.batchSize must be between 1 and 1000000, got -5";

        Assert.That(Refused("validate", path, "--set", "optimizer.batchSize=-5"), Is.EqualTo(expected));
        Assert.That(Refused("run", path, "--set", "optimizer.batchSize=-5", "--out", output), Is.EqualTo(expected));
        Assert.That(File.Exists(Path.Combine(output, "result.json")), Is.False);
    }

    [TestCase("optimizer.phases.clustering.batchSize=0", "optimizer.phases.clustering.batchSize must be between 1 and 1000000, got 0")]
    [TestCase("optimizer.phases.pretrain.learningRate=NaN", "optimizer.phases.pretrain.learningRate must be > 0 and ≤ 10, got NaN")]
    [TestCase("optimizer.momentum=1.5", "optimizer.momentum must be between 0 and 1, got 1.5")]
    [TestCase("optimizer.weightDecay=-0.1", "optimizer.weightDecay must be between 0 and 1, got -0.1")]
    [TestCase("optimizer.decay=2", "optimizer.decay must be between 0 and 1, got 2")]
    [TestCase("optimizer.decayEvery=-1", "optimizer.decayEvery must be between 0 and 1000000, got -1")]
    [TestCase("optimizer.beta1=1", "optimizer.beta1 must be between 0 and 0.999, got 1")]
    [TestCase("optimizer.rho=Infinity", "optimizer.rho must be between 0 and 0.9999, got Infinity")]
    [TestCase("log.metricsEvery=-1", "log.metricsEvery must be between 0 and 100000, got -1")]
    [TestCase("clusters=1", "clusters must be between 2 and 100000, got 1")]
    [TestCase("threads=0", "threads must be between 1 and 1024, got 0")]
    [TestCase("data.limit=0", "data.limit must be positive (or absent for all samples), got 0.")]
    [TestCase("data.perCluster=-3", "data.perCluster must be positive, got -3.")]
    [TestCase("data.spread=NaN", "data.spread must be a finite number, got NaN")]
    public void A_setting_outside_its_range_is_refused_with_its_manifest_path(string assignment, string message)
    {
        var path = WriteManifest(Manifests.AeKMeans());
        Assert.That(Refused("validate", path, "--set", assignment), Is.EqualTo($"error: {path}: {message}"));
    }

    [TestCase("schedule.epochs=-1", "schedule.epochs must be between 0 and 100000, got -1")]
    [TestCase("postClustering.restarts=0", "postClustering.restarts must be between 1 and 1000, got 0")]
    [TestCase("nonClusteringLoss.weight=NaN", "nonClusteringLoss.weight must be a finite number, got NaN")]
    [TestCase("branch.dropout=Infinity", "branch.dropout must be between 0 and 0.95, got Infinity")]
    [TestCase("nonClusteringLoss.transform={\"rotation\": 500}", "nonClusteringLoss.transform.rotation must be between 0 and 180, got 500")]
    [TestCase("nonClusteringLoss.transform={\"noise\": \"-Infinity\"}", "nonClusteringLoss.transform.noise must be between 0 and 1000, got -Infinity")]
    public void A_block_option_outside_its_range_is_refused_with_its_manifest_path(string assignment, string message)
    {
        var path = WriteManifest(Manifests.AeKMeans());
        Assert.That(Refused("validate", path, "--set", assignment), Is.EqualTo($"error: {path}: {message}"));
    }

    [Test]
    public void Numbers_in_the_file_that_are_not_finite_are_refused()
    {
        var manifest = Manifests.AeKMeans();
        var text = manifest.ToJsonString().Replace("\"learningRate\":0.01", "\"learningRate\":1e999");
        manifest["nonClusteringLoss"]!["weight"] = "NaN";
        var path = Write("m.json", text);
        Assert.That(Refused("validate", path), Is.EqualTo($"error: {path}: optimizer.learningRate must be > 0 and ≤ 10, got Infinity"));
        path = WriteManifest(manifest);
        Assert.That(Refused("validate", path), Is.EqualTo($"error: {path}: nonClusteringLoss.weight must be a finite number, got NaN"));
    }

    // ---- Shapes: a value, a list or a section where the option needs another ----

    [TestCase("optimizer=\"adam\"", "optimizer: expected a section of fields { ... }, got \"adam\"")]
    [TestCase("optimizer.phases.clustering=5", "optimizer.phases.clustering: expected a section of fields { ... }, got 5")]
    [TestCase("optimizer.phases.clustering.batchSize=[1]", "optimizer.phases.clustering.batchSize: expected a whole number, got a list")]
    [TestCase("name=[1]", "name: expected a string, got a list")]
    [TestCase("clusters={}", "clusters: expected a whole number, got a section { ... }")]
    [TestCase("branch.dims={\"a\": 1}", "branch.dims: expected a list, e.g. [1, 2], got a section { ... }")]
    [TestCase("branch.dims=[[1]]", "branch.dims[0]: expected a whole number, got a list")]
    [TestCase("nonClusteringLoss.metric={}", "nonClusteringLoss.metric: expected one of: mse, bce, got a section { ... }")]
    [TestCase("pretrainingCache=[]", "pretrainingCache: expected true or false, got a list")]
    public void A_field_of_the_wrong_shape_is_refused_saying_what_it_needs(string assignment, string message)
    {
        var path = WriteManifest(Manifests.AeKMeans());
        Assert.That(Refused("validate", path, "--set", assignment), Is.EqualTo($"error: {path}: {message}"));
    }

    [Test]
    public void An_empty_preprocessor_list_means_no_preprocessing()
    {
        Assert.That(Manifests.Load(Manifests.AeKMeans(), "preprocessor=[]").Preprocessors, Is.Empty);
    }

    // ---- List elements from --set ----

    [Test]
    public void Set_changes_one_list_element_and_keeps_the_others()
    {
        var method = Manifests.Load(Manifests.AeKMeans(), "branch.dims.1=8");
        Assert.That(((MlpAutoencoderBranch.Options)method[BlockRole.Branch].Options).Dims, Is.EqualTo(new[] { 32, 8 }));
    }

    [Test]
    public void Set_changes_the_type_of_one_preprocessor_in_a_list_and_keeps_the_others()
    {
        var manifest = Manifests.AeKMeans();
        manifest["preprocessor"] = new JsonArray(
            new JsonObject { ["type"] = "standardize" },
            new JsonObject { ["type"] = "reshape", ["shape"] = new JsonArray(1, 2, 4) });
        var method = Manifests.Load(manifest, "preprocessor.1.type=flatten");
        Assert.That(method.Preprocessors.Select(p => p.Descriptor.Name), Is.EqualTo(new[] { "standardize", "flatten" }),
            "reshape's shape does not carry over to flatten");
    }

    [Test]
    public void Setting_a_blocks_type_starts_it_from_the_new_blocks_defaults()
    {
        var other = (MlpClassifierBranch.Options)Manifests.Load(Manifests.AeKMeans(), "branch.type=mlp-classifier")[BlockRole.Branch].Options;
        var same = (MlpAutoencoderBranch.Options)Manifests.Load(Manifests.AeKMeans(), "branch.type=mlp-autoencoder")[BlockRole.Branch].Options;
        var then = (MlpClassifierBranch.Options)Manifests.Load(Manifests.AeKMeans(), "branch.type=mlp-classifier", "branch.dims=[7]")[BlockRole.Branch].Options;

        var defaults = new MlpClassifierBranch.Options();
        defaults.ApplyDefaults();
        Assert.That(other.Dims, Is.EqualTo(defaults.Dims), "the autoencoder's dims [32, 4] are not the classifier's");
        Assert.That(same.Dims, Is.EqualTo(new[] { 32, 4 }), "the same type keeps its options");
        Assert.That(then.Dims, Is.EqualTo(new[] { 7 }), "later assignments add to the new block's section");
    }

    [Test]
    public void Setting_an_option_of_a_block_written_as_a_bare_name_keeps_its_type()
    {
        var manifest = Manifests.AeKMeans();
        manifest["postClustering"] = "kmeans";
        var spec = Manifests.Load(manifest, "postClustering.restarts=2")[BlockRole.PostClustering];
        Assert.That((spec.Descriptor.Name, ((KMeansPostClustering.Options)spec.Options).Restarts), Is.EqualTo(("kmeans", 2)));
    }

    [TestCase("branch.dims.5=1", "index 5 is past the end of branch.dims (0 to 1); set the whole list to change its length, e.g. branch.dims=[...]")]
    [TestCase("branch.dims.2=1", "index 2 is past the end of branch.dims (0 to 1); set the whole list to change its length, e.g. branch.dims=[...]")]
    [TestCase("branch.dims.x=1", "branch.dims is a list, so 'x' must be the index of an element (0 to 1)")]
    [TestCase("branch.dims.-1=1", "branch.dims is a list, so '-1' must be the index of an element (0 to 1)")]
    [TestCase("branch.dims.0=null", "a list element cannot be removed; set the whole list instead, e.g. branch.dims=[...]")]
    [TestCase("seed.x=1", "seed is the value 3, not a section with fields")]
    [TestCase("preprocessor.0.type=flatten", "preprocessor is a section, not a list, so it has no element 0")]
    [TestCase("branch.widths.0=1", "branch.widths is not set, so it has no element 0; set the whole list, e.g. branch.widths=[...]")]
    [TestCase("branch.dims.0.size=1", "branch.dims.0 is the value 32, not a section with fields")]
    public void A_set_path_that_cannot_be_applied_is_refused_naming_the_path(string assignment, string message)
    {
        var path = WriteManifest(Manifests.AeKMeans());
        Assert.That(Refused("validate", path, "--set", assignment), Is.EqualTo($"error: --set '{assignment}': {message}."));
    }

    [Test]
    public void A_field_of_a_preprocessor_list_needs_an_element_index()
    {
        var manifest = Manifests.AeKMeans();
        manifest["preprocessor"] = new JsonArray(new JsonObject { ["type"] = "standardize" }, new JsonObject { ["type"] = "unit-scale" });
        Assert.That(Refused("validate", WriteManifest(manifest), "--set", "preprocessor.type=flatten"), Is.EqualTo(
            "error: --set 'preprocessor.type=flatten': preprocessor is a list, so 'type' must be the index of an element (0 to 1)."));
    }

    // ---- Compositions that cannot work ----

    [Test]
    public void A_clustering_loss_under_a_schedule_without_a_clustering_phase_is_refused_naming_both()
    {
        var path = WriteManifest(Manifests.AeKMeans());
        var output = Path.Combine(_folder, "out");
        var expected = $"error: {path}: these blocks cannot work together: clusteringLoss ('locality-sparsity'): acts only in a " +
                       "clustering phase, and schedule ('pretrain') has none; set clusteringLoss to 'none' or choose a schedule " +
                       "with a clustering phase (e.g. 'pretrain-then-joint').";

        Assert.That(Refused("validate", path, "--set", "clusteringLoss=locality-sparsity"), Is.EqualTo(expected));
        Assert.That(Refused("run", path, "--set", "clusteringLoss=locality-sparsity", "--out", output), Is.EqualTo(expected));
        Assert.That(File.Exists(Path.Combine(output, "result.json")), Is.False);
        Valid("validate", path, "--set", "clusteringLoss=locality-sparsity", "--set", "schedule=pretrain-then-joint");
    }

    [Test]
    public void A_cluster_updater_under_a_schedule_without_a_clustering_phase_is_refused_naming_both()
    {
        var path = WriteManifest(Manifests.AeKMeans());
        Assert.That(Refused("validate", path, "--set", "clusterUpdater=kmeans-init"), Is.EqualTo(
            $"error: {path}: these blocks cannot work together: clusterUpdater ('kmeans-init'): acts only in a " +
            "clustering phase, and schedule ('pretrain') has none; set clusterUpdater to 'none' or choose a schedule " +
            "with a clustering phase (e.g. 'pretrain-then-joint')."));
    }

    [Test]
    public void An_optimizer_override_for_a_phase_the_schedule_lacks_is_refused()
    {
        var path = WriteManifest(Manifests.AeKMeans());
        Assert.That(Refused("validate", path, "--set", "optimizer.phases.clusterin.learningRate=0.1"), Is.EqualTo(
            $"error: {path}: these blocks cannot work together: schedule ('pretrain'): has no phase 'clusterin', " +
            "which optimizer.phases.clusterin sets (its phases: pretrain)."));
        Valid("validate", path, "--set", "optimizer.phases.Pretrain.learningRate=0.1");
    }

    [Test]
    public void Every_shipped_manifest_validates_on_the_command_line()
    {
        var files = Directory.GetFiles(Path.Combine(TestPaths.RepositoryRoot, "manifests"), "*.json", SearchOption.AllDirectories);
        Assert.That(files, Has.Length.GreaterThan(20));
        foreach (var file in files)
        {
            Valid("validate", file, "--plugins", PluginFiles.Root);   // as shipped: the sample plugin beside the program
        }
    }
}
