using System.Runtime.InteropServices;
using Taxonomy.Host.Cli;
using Taxonomy.Host.Running;
using static Taxonomy.Tests.Hostile.CliCases;

namespace Taxonomy.Tests.Hostile;

/// <summary>A wrong command line and unforeseen failures: one line on stderr, exit code 2, a stack trace only with --verbose.</summary>
[TestFixture]
[NonParallelizable]
public sealed class CommandLineTests
{
    private CliCases _cases = null!;

    [SetUp]
    public void CreateFolder() => _cases = new CliCases();

    [TearDown]
    public void DeleteFolder() => _cases.Dispose();

    [Test]
    public void No_command_is_one_line_naming_the_commands()
    {
        Assert.That(OneErrorLine(RunTaxonomy()),
            Is.EqualTo("error: no command given; the commands are run, predict, embed, plot, validate, list, schema, bench, bench-kmeans, table1, sweep, collect; see 'taxonomy --help'."));
    }

    [Test]
    public void An_unknown_command_is_one_line_naming_the_commands()
    {
        Assert.That(OneErrorLine(RunTaxonomy("frob")),
            Is.EqualTo("error: unknown command 'frob'; the commands are run, predict, embed, plot, validate, list, schema, bench, bench-kmeans, table1, sweep, collect; see 'taxonomy --help'."));
    }

    [Test]
    public void An_unknown_option_is_one_line_suggesting_the_nearest()
    {
        Assert.That(OneErrorLine(RunTaxonomy("run", _cases.Manifest(), "--sed", "1")),
            Is.EqualTo("error: run: unknown option '--sed' (did you mean '--seed'?); see 'taxonomy run --help'."));
    }

    [Test]
    public void An_extra_argument_is_one_line_naming_it()
    {
        Assert.That(OneErrorLine(RunTaxonomy("run", "a.json", "b.json")),
            Is.EqualTo("error: run: unknown argument 'b.json'; see 'taxonomy run --help'."));
    }

    [TestCase("--seed", "abc")]
    [TestCase("--clusters", "99999999999")]
    [TestCase("--clusters", "4.5")]
    public void A_value_that_is_not_a_whole_number_is_one_line_naming_the_option_and_value(string option, string value)
    {
        Assert.That(OneErrorLine(RunTaxonomy("run", _cases.Manifest(), option, value)),
            Is.EqualTo($"error: {option}: '{value}' is not a whole number from -2147483648 to 2147483647; see 'taxonomy run --help'."));
    }

    [Test]
    public void A_missing_manifest_argument_is_one_line_naming_it()
    {
        Assert.That(OneErrorLine(RunTaxonomy("validate")),
            Is.EqualTo("error: validate: the argument <manifest> is missing (The method's JSON manifest); see 'taxonomy validate --help'."));
    }

    [Test]
    public void An_option_without_its_value_is_one_line_naming_it()
    {
        Assert.That(OneErrorLine(RunTaxonomy("run", _cases.Manifest(), "--out")),
            Is.EqualTo("error: --out: the value is missing; see 'taxonomy run --help'."));
    }

    [TestCase("--help")]
    [TestCase("-h")]
    [TestCase("run", "--help")]
    [TestCase("run", "-h")]
    public void Help_still_prints_the_usage_and_exits_0(params string[] args)
    {
        var (code, output, error) = RunTaxonomy(args);
        Assert.That(code, Is.EqualTo(0));
        Assert.That(output, Does.Contain("Usage:"));
        Assert.That(error, Is.Empty);
    }

    [Test]
    public void Version_still_prints_the_version_and_exits_0()
    {
        var (code, output, _) = RunTaxonomy("--version");
        Assert.That(code, Is.EqualTo(0));
        Assert.That(output.Trim(), Does.Match(@"^\d+\.\d+\.\d+"), "in-process, the version is the test host's");
    }

    [Test]
    public void A_failure_prints_no_stack_trace_without_verbose_and_one_with_it()
    {
        var missing = _cases.PathOf("nosuch.json");
        Assert.That(OneErrorLine(RunTaxonomy("validate", missing)), Does.Contain("nosuch.json"));

        var (code, _, error) = RunTaxonomy("validate", missing, "--verbose");
        Assert.That(code, Is.EqualTo(2));
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Does.StartWith("error: ").And.Contain("nosuch.json"));
        Assert.That(lines.Skip(1), Has.Some.Contains("   at "), "the stack trace follows the error line");
    }

    [Test]
    public void A_branch_too_large_to_allocate_is_an_error_naming_its_size_field()
    {
        // 8 inputs x 2e9 units: 64 GB in one allocation.
        var line = OneErrorLine(RunTaxonomy("run", _cases.Manifest(), "--set", "branch.dims=[2000000000,4]", "--out", _cases.PathOf("out")));
        Assert.That(line, Does.Match(@"^error: .*m-\w+\.json: branch\.dims: branch \('mlp-autoencoder'\) does not fit in memory \(64 GB requested at once\); make it smaller\.$"));
        Assert.That(Directory.Exists(_cases.PathOf("out")), Is.False);
    }

    [Test]
    public void The_per_epoch_metrics_say_they_come_from_one_k_means_restart()
    {
        var (code, output, _) = RunTaxonomy("run", _cases.Manifest(m => m["log"]!["metricsEvery"] = 1), "--out", _cases.PathOf("out"));
        Assert.That(code, Is.EqualTo(0));
        Assert.That(output, Does.Match(@"\[pretrain\] epoch +1/1 .*\[k-means, 1 restart\] ACC \d\.\d{4}"));
    }

    [Test]
    public void An_unforeseen_failure_names_the_stage_the_exception_type_and_where_the_stack_trace_is()
    {
        var failure = new StageException("training, phase 'pretrain', epoch 3", new InvalidOperationException("Sequence contains no elements"));
        Assert.That(FailureReport.OneLine(failure), Is.EqualTo(
            "error: while training, phase 'pretrain', epoch 3: InvalidOperationException: Sequence contains no elements " +
            "(a fault of taxonomy or of a block; --verbose prints the stack trace)"));
    }

    [Test]
    public void A_native_error_keeps_only_the_first_line_of_libtorch_s_message()
    {
        var failure = new StageException("post-clustering", new ExternalException("shape '[2, 3]' is invalid for input of size 5\nframe #0: c10::Error\nframe #1: at::view"));
        Assert.That(FailureReport.OneLine(failure),
            Is.EqualTo("error: while post-clustering: libtorch: shape '[2, 3]' is invalid for input of size 5"));
    }

    [Test]
    public void Running_out_of_memory_while_training_says_what_to_make_smaller()
    {
        var failure = new StageException("training, phase 'joint', epoch 1", new OutOfMemoryException());
        Assert.That(FailureReport.OneLine(failure), Is.EqualTo(
            "error: while training, phase 'joint', epoch 1: out of memory; use less data (data.limit), a smaller branch or a smaller optimizer.batchSize"));
    }

    [Test]
    public void An_input_output_error_keeps_the_system_s_message_naming_the_path()
    {
        var failure = new StageException("writing the results to 'runs/x'", new UnauthorizedAccessException("Access to the path 'runs/x/result.json' is denied."));
        Assert.That(FailureReport.OneLine(failure),
            Is.EqualTo("error: while writing the results to 'runs/x': Access to the path 'runs/x/result.json' is denied."));
    }

    [Test]
    public void A_product_message_with_line_breaks_is_reported_on_one_line()
    {
        Assert.That(FailureReport.OneLine(new Taxonomy.Host.Manifest.ManifestException("m.json: seed: bad\n  value")),
            Is.EqualTo("error: m.json: seed: bad value"));
    }
}
