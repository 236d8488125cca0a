using System.Text.Json;
using Taxonomy.Abstractions.Data;
using Taxonomy.Blocks.Data;
using Taxonomy.Tests.TestSupport;

namespace Taxonomy.Tests.Projection;

/// <summary>
/// scikit-learn 1.2.1's t-SNE and PCA figures on the digits, from Reference/digits-sklearn.json, made by
/// `/usr/bin/python3 tools/reference/tsne_reference.py > tests/Taxonomy.Tests/Projection/Reference/digits-sklearn.json`.
/// </summary>
internal static class DigitsReference
{
    private static readonly Lazy<JsonElement> Root = new(() => JsonDocument.Parse(File.ReadAllText(
        Path.Combine(TestPaths.RepositoryRoot, "tests", "Taxonomy.Tests", "Projection", "Reference", "digits-sklearn.json"))).RootElement);

    public static double Kl(string method) => Root.Value.GetProperty(method).GetProperty("kl").GetDouble();

    public static double Trustworthiness(string method) => Root.Value.GetProperty(method).GetProperty("trustworthiness").GetDouble();

    /// <summary>PCA's components_, [2][64].</summary>
    public static double[][] PcaComponents() => Root.Value.GetProperty("pca").GetProperty("components").EnumerateArray()
        .Select(row => row.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();

    public static double[] PcaExplainedVariance() =>
        Root.Value.GetProperty("pca").GetProperty("explained_variance").EnumerateArray().Select(v => v.GetDouble()).ToArray();

    public static Dataset Digits() => DataCatalog.LoadDigits();
}
