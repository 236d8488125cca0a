namespace Taxonomy.Tests.Hostile;

/// <summary>`validate` checks what `run` checks before it reads data: branch.weights and the cache folder.</summary>
[TestFixture, NonParallelizable]
public sealed class ValidateChecksTests
{
    private CliCases _cases = null!;

    [SetUp]
    public void Create() => _cases = new CliCases();

    [TearDown]
    public void Remove() => _cases.Dispose();

    [Test]
    public void Validate_refuses_a_weights_file_without_its_sidecar()
    {
        var weights = _cases.PathOf("w.pt");
        File.WriteAllText(weights, "not weights");

        var line = CliCases.OneErrorLine(CliCases.RunTaxonomy("validate", _cases.Manifest(), "--set", $"branch.weights={weights}"));

        Assert.That(line, Does.Contain($"weights file '{weights}' has no 'w.pt.json' beside it"));
    }

    [Test]
    public void Validate_refuses_a_cache_folder_that_is_a_file()
    {
        var file = _cases.PathOf("cache");
        File.WriteAllText(file, "");
        var previous = Environment.GetEnvironmentVariable("TAXONOMY_CACHE");
        Environment.SetEnvironmentVariable("TAXONOMY_CACHE", file);
        try
        {
            var line = CliCases.OneErrorLine(CliCases.RunTaxonomy("validate", _cases.Manifest(m => m["pretrainingCache"] = true)));

            Assert.That(line, Does.Contain($"pre-training cache folder '{file}' is a file, not a folder"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("TAXONOMY_CACHE", previous);
        }
    }
}
