namespace Taxonomy.Tests;  // the root test namespace: a SetUpFixture covers its namespace and those below

/// <summary>
/// The whole test run uses its own pre-training cache folder, so that no test reads weights a user's run left in
/// ~/.cache/taxonomy, nor leaves shrunk pre-trainings there.
/// </summary>
[SetUpFixture]
public sealed class IsolatedCache
{
    private string _folder = null!;
    private string? _previous;

    [OneTimeSetUp]
    public void UseATemporaryCache()
    {
        _folder = Path.Combine(Path.GetTempPath(), $"taxonomy-test-cache-{Guid.NewGuid():N}");
        _previous = Environment.GetEnvironmentVariable("TAXONOMY_CACHE");
        Environment.SetEnvironmentVariable("TAXONOMY_CACHE", _folder);
    }

    [OneTimeTearDown]
    public void RemoveIt()
    {
        Environment.SetEnvironmentVariable("TAXONOMY_CACHE", _previous);
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
