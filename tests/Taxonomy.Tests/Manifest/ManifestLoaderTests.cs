using System.Text.Json.Nodes;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Blocks.Branches;
using Taxonomy.Blocks.Features;
using Taxonomy.Host.Manifest;
using Taxonomy.Tests.TestSupport;

namespace Taxonomy.Tests.Manifest;

[TestFixture]
public sealed class ManifestLoaderTests
{
    [Test]
    public void A_valid_manifest_binds_every_role_with_its_options()
    {
        var method = Manifests.Load(Manifests.AeKMeans());

        var branch = (MlpAutoencoderBranch.Options)method[BlockRole.Branch].Options;
        Assert.That(branch.Dims, Is.EqualTo(new[] { 32, 4 }), "the manifest's list replaces the default, not appended to it");
        Assert.That(branch.Activation, Is.EqualTo("relu"));
        Assert.That(method.Settings.Seed, Is.EqualTo(3));
        Assert.That(method.Preprocessors, Has.Count.EqualTo(1));
        Assert.That(method.Name, Is.EqualTo("test AE+k-means"));
    }

    [Test]
    public void Invalid_json_names_the_file_and_line()
    {
        var error = Assert.Throws<ManifestException>(() => ManifestDocument.Parse("{\n  \"name\": \"x\",\n  \"seed\": ,\n}", "bad.json"))!;
        Assert.That(error.Message, Does.StartWith("bad.json: invalid JSON at line 3"));
    }

    [Test]
    public void A_missing_file_is_named()
    {
        var error = Assert.Throws<ManifestException>(() => ManifestDocument.Load("/nonexistent/m.json"))!;
        Assert.That(error.Message, Is.EqualTo("/nonexistent/m.json: manifest file not found."));
    }

    [Test]
    public void An_unknown_top_level_field_is_rejected_with_the_valid_fields()
    {
        var manifest = Manifests.AeKMeans();
        manifest["clustering"] = "dec";
        var message = Manifests.LoadError(manifest);
        Assert.That(message, Does.StartWith($"{Manifests.File}: unknown field 'clustering'. Valid fields: name,"));
        Assert.That(message, Does.Contain("clusteringLoss"));
    }

    [Test]
    public void An_unknown_block_type_lists_the_valid_choices()
    {
        var manifest = Manifests.AeKMeans();
        manifest["branch"] = new JsonObject { ["type"] = "mlp-autoencodr" };
        Assert.That(Manifests.LoadError(manifest), Is.EqualTo(
            $"{Manifests.File}: branch.type: unknown branch 'mlp-autoencodr'. Valid choices: cnn-classifier, conv-autoencoder, encoder-only, mlp-autoencoder, mlp-classifier, mlp-vae."));
    }

    [Test]
    public void A_missing_role_is_named_with_its_choices()
    {
        var manifest = Manifests.AeKMeans();
        manifest.Remove("schedule");
        Assert.That(Manifests.LoadError(manifest), Does.StartWith(
            $"{Manifests.File}: missing 'schedule' (how the losses are combined over time). Choose one of: pretrain,"));
    }

    [Test]
    public void A_role_without_type_is_rejected()
    {
        var manifest = Manifests.AeKMeans();
        manifest["featureSelector"] = new JsonObject { ["normalize"] = true };
        Assert.That(Manifests.LoadError(manifest), Does.StartWith(
            $"{Manifests.File}: featureSelector: needs a \"type\" (features for clustering). Choose one of:"));
    }

    [Test]
    public void A_misspelt_option_is_rejected_with_the_valid_options()
    {
        var manifest = Manifests.AeKMeans();
        manifest["branch"]!["dimz"] = new JsonArray(10);
        Assert.That(Manifests.LoadError(manifest), Is.EqualTo(
            $"{Manifests.File}: branch.dimz: unknown option for branch 'mlp-autoencoder'. " +
            "Valid options: dims, activation, batchNorm, dropout, inputDropout, weights, type."));
    }

    [Test]
    public void A_misspelt_option_in_a_settings_section_is_rejected()
    {
        var manifest = Manifests.AeKMeans();
        manifest["optimizer"]!["learningrat"] = 0.1;
        Assert.That(Manifests.LoadError(manifest), Does.StartWith(
            $"{Manifests.File}: optimizer.learningrat: unknown option for the manifest. Valid options: phases, type, learningRate"));
    }

    [Test]
    public void A_misspelt_option_inside_a_phase_override_is_rejected()
    {
        var manifest = Manifests.AeKMeans();
        manifest["optimizer"]!["phases"] = new JsonObject { ["pretrain"] = new JsonObject { ["lr"] = 0.1 } };
        Assert.That(Manifests.LoadError(manifest), Does.StartWith(
            $"{Manifests.File}: optimizer.phases.pretrain.lr: unknown option"));
    }

    [Test]
    public void A_mistyped_value_names_the_field_and_the_value()
    {
        var manifest = Manifests.AeKMeans();
        manifest["branch"]!["dropout"] = "lots";
        Assert.That(Manifests.LoadError(manifest), Is.EqualTo(
            $"{Manifests.File}: branch.dropout: 'lots' is not a valid number"));
    }

    [Test]
    public void An_unknown_option_is_reported_before_a_mistyped_one_wherever_it_stands()
    {
        var manifest = Manifests.AeKMeans();
        manifest["branch"]!["dropout"] = "lots";
        manifest["branch"]!["dimz"] = new JsonArray(10);
        Assert.That(Manifests.LoadError(manifest), Does.StartWith($"{Manifests.File}: branch.dimz: unknown option"));
    }

    [Test]
    public void An_enum_option_given_as_a_number_is_refused_with_its_choices()
    {
        var manifest = Manifests.AeKMeans();
        manifest["nonClusteringLoss"]!["metric"] = 1;
        Assert.That(Manifests.LoadError(manifest), Is.EqualTo(
            $"{Manifests.File}: nonClusteringLoss.metric: '1' is not a valid choice; valid: mse, bce"));
    }

    [Test]
    public void A_null_element_of_a_list_is_refused_naming_the_element()
    {
        var manifest = Manifests.AeKMeans();
        manifest["branch"]!["dims"] = new JsonArray(32, null);
        Assert.That(Manifests.LoadError(manifest), Is.EqualTo(
            $"{Manifests.File}: branch.dims[1]: expected a whole number, got null"));
    }

    [Test]
    public void Numbers_written_as_strings_are_read_as_numbers()
    {
        var manifest = Manifests.AeKMeans();
        manifest["schedule"]!["epochs"] = "7";
        manifest["optimizer"]!["learningRate"] = "1e-3";
        var method = Manifests.Load(manifest);
        Assert.That(method.Settings.Optimizer.LearningRate, Is.EqualTo(0.001));
        Assert.That(Host.Running.MethodRunner.Effective(method)["schedule"]!["epochs"]!.GetValue<int>(), Is.EqualTo(7));
    }

    [Test]
    public void An_out_of_range_value_is_rejected_with_its_range()
    {
        var manifest = Manifests.AeKMeans();
        manifest["schedule"]!["epochs"] = -1;
        Assert.That(Manifests.LoadError(manifest), Is.EqualTo(
            $"{Manifests.File}: schedule.epochs must be between 0 and 100000, got -1"));
    }

    [Test]
    public void A_rule_across_options_is_reported_by_the_block_options()
    {
        var manifest = Manifests.AeKMeans();
        manifest["branch"]!["activation"] = "swish";
        Assert.That(Manifests.LoadError(manifest), Is.EqualTo(
            $"{Manifests.File}: branch.activation: 'swish' is not one of: relu, leaky-relu, leaky-relu(s), elu, tanh, sigmoid"));
    }

    [TestCase("leaky-relu(1.5)", "'leaky-relu(1.5)': the slope '1.5' must be a number in [0, 1)")]
    [TestCase("leaky-relu(a)", "'leaky-relu(a)': the slope 'a' must be a number in [0, 1)")]
    [TestCase("leaky-relu()", "'leaky-relu()': the slope '' must be a number in [0, 1)")]
    public void A_leaky_slope_outside_0_to_1_is_reported_with_the_option(string activation, string message)
    {
        var manifest = Manifests.AeKMeans();
        manifest["branch"]!["activation"] = activation;
        Assert.That(Manifests.LoadError(manifest), Is.EqualTo($"{Manifests.File}: branch.activation: {message}"));
    }

    [Test]
    public void An_enum_option_accepts_its_names_and_rejects_others()
    {
        var manifest = Manifests.AeKMeans();
        manifest["nonClusteringLoss"]!["metric"] = "bce";
        Assert.That(() => Manifests.Load(manifest), Throws.Nothing);
        manifest["nonClusteringLoss"]!["metric"] = "l1";
        Assert.That(Manifests.LoadError(manifest), Is.EqualTo(
            $"{Manifests.File}: nonClusteringLoss.metric: 'l1' is not a valid choice; valid: mse, bce"));
    }

    [Test]
    public void A_mistyped_setting_names_its_dotted_path()
    {
        var manifest = Manifests.AeKMeans();
        manifest["optimizer"]!["phases"] = new JsonObject { ["pretrain"] = new JsonObject { ["batchSize"] = "big" } };
        Assert.That(Manifests.LoadError(manifest), Is.EqualTo(
            $"{Manifests.File}: optimizer.phases.pretrain.batchSize: 'big' is not a valid whole number"));
    }

    [Test]
    public void Only_the_cpu_device_is_accepted()
    {
        var manifest = Manifests.AeKMeans();
        manifest["device"] = "cuda";
        Assert.That(Manifests.LoadError(manifest), Does.Contain("device: 'cuda' is not available; only \"cpu\""));
    }

    [Test]
    public void Set_overrides_replace_whole_lists()
    {
        var method = Manifests.Load(Manifests.AeKMeans(), "branch.dims=[7]");
        Assert.That(((MlpAutoencoderBranch.Options)method[BlockRole.Branch].Options).Dims, Is.EqualTo(new[] { 7 }));
    }

    [Test]
    public void An_empty_list_stays_empty_instead_of_taking_the_default()
    {
        var manifest = Manifests.AeKMeans();
        manifest["branch"] = new JsonObject { ["type"] = "mlp-classifier", ["dims"] = new JsonArray() };
        var fromFile = (MlpClassifierBranch.Options)Manifests.Load(manifest)[BlockRole.Branch].Options;
        var fromSet = (MlpClassifierBranch.Options)Manifests.Load(Manifests.AeKMeans(),
            "branch={\"type\": \"mlp-classifier\"}", "branch.dims=[]")[BlockRole.Branch].Options;

        Assert.That(fromFile.Dims, Is.Empty, "RIM's linear model is written \"dims\": []");
        Assert.That(fromSet.Dims, Is.Empty);
    }

    [Test]
    public void A_null_field_in_the_file_or_by_set_leaves_the_option_at_its_default()
    {
        var manifest = Manifests.AeKMeans();
        manifest["featureSelector"] = new JsonObject { ["type"] = "embedding", ["normalize"] = true, ["radius"] = null };
        var fromFile = (EmbeddingFeatureSelector.Options)Manifests.Load(manifest)[BlockRole.FeatureSelector].Options;
        var fromSet = (EmbeddingFeatureSelector.Options)Manifests.Load(Manifests.AeKMeans(),
            "featureSelector.radius=3", "featureSelector.normalize=null", "featureSelector.radius=null")
            [BlockRole.FeatureSelector].Options;

        Assert.That((fromFile.Normalize, fromFile.Radius), Is.EqualTo((true, 1.0)));
        Assert.That((fromSet.Normalize, fromSet.Radius), Is.EqualTo((false, 1.0)));
    }

    [Test]
    public void Set_overrides_reach_nested_options_case_insensitively()
    {
        var method = Manifests.Load(Manifests.AeKMeans(), "Optimizer.LearningRate=0.5", "seed=11");
        Assert.That(method.Settings.Optimizer.LearningRate, Is.EqualTo(0.5));
        Assert.That(method.Settings.Seed, Is.EqualTo(11));
    }

    [Test]
    public void Setting_a_role_to_a_bare_name_replaces_the_block()
    {
        var method = Manifests.Load(Manifests.AeKMeans(), "featureSelector=concatenated-layers", "featureSelector.layers=[\"hidden1\",\"embedding\"]");
        Assert.That(method[BlockRole.FeatureSelector].Descriptor.Name, Is.EqualTo("concatenated-layers"));
    }

    [Test]
    public void Setting_data_to_a_name_switches_the_source()
    {
        var method = Manifests.Load(Manifests.AeKMeans(), "data=digits");
        Assert.That(method.Settings.Data.Source, Is.EqualTo("digits"));
    }

    [Test]
    public void A_set_without_equals_sign_is_rejected()
    {
        Assert.That(Manifests.LoadError(Manifests.AeKMeans(), "seed"), Is.EqualTo(
            "--set 'seed': expected FIELD=VALUE, e.g. clusteringLoss.alpha=1."));
    }

    [Test]
    public void Comments_and_trailing_commas_are_allowed_in_manifests()
    {
        var document = ManifestDocument.Parse("{ // a note\n \"name\": \"x\", }", "c.json");
        Assert.That(document.Root["name"]!.GetValue<string>(), Is.EqualTo("x"));
    }

    [Test]
    public void Every_shipped_manifest_validates()
    {
        var folder = Path.Combine(TestPaths.RepositoryRoot, "manifests");
        var files = Directory.GetFiles(folder, "*.json", SearchOption.AllDirectories);
        Assert.That(files, Is.Not.Empty);
        var services = Manifests.Services(PluginFiles.Folder(PluginFiles.Root));   // as shipped: the sample plugin in plugins/
        foreach (var file in files)
        {
            Assert.That(() => services.Loader.Load(file), Throws.Nothing, file);
        }
    }

    [Test]
    public void Every_shipped_manifests_effective_form_loads_back_unchanged()
    {
        // result.json keeps the effective manifest so a run can be repeated: every option (enum spellings included) must
        // read back as written.
        var services = Manifests.Services(PluginFiles.Folder(PluginFiles.Root));
        var folder = Path.Combine(TestPaths.RepositoryRoot, "manifests");
        foreach (var file in Directory.GetFiles(folder, "*.json", SearchOption.AllDirectories))
        {
            var effective = Taxonomy.Host.Running.MethodRunner.Effective(services.Loader.Load(file));
            var again = Taxonomy.Host.Running.MethodRunner.Effective(
                services.Loader.Load(ManifestDocument.Parse(effective.ToJsonString(), file)));
            Assert.That(again.ToJsonString(), Is.EqualTo(effective.ToJsonString()), file);
        }
    }
}
