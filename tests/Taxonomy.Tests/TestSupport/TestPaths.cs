namespace Taxonomy.Tests.TestSupport;

public static class TestPaths
{
    /// <summary>The repository root, found upwards from the test binaries by Taxonomy.sln.</summary>
    public static string RepositoryRoot { get; } = Find();

    private static string Find()
    {
        var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Taxonomy.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new DirectoryNotFoundException("Taxonomy.sln not found above the test folder.");
    }
}
