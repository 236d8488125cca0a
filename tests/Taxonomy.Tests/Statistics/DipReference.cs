using System.Globalization;
using System.IO.Compression;
using Taxonomy.Tests.TestSupport;

namespace Taxonomy.Tests.Statistics;

/// <summary>One sample with R diptest's answers for it: dip, 1-based modal interval (lo.hi) and dip.test's p-value.</summary>
public sealed record DipReferenceSample(string Name, double[] Values, double Dip, int Low, int High, double PValue)
{
    public override string ToString() => $"{Name} (n = {Values.Length})";
}

/// <summary>dip.test's p-value for a dip D at sample size n.</summary>
public sealed record DipReferencePValue(int N, double Dip, double PValue)
{
    public override string ToString() => $"n = {N}, D = {Dip.ToString("R", CultureInfo.InvariantCulture)}";
}

/// <summary>The values made by DipReference/make-reference.R with R diptest 0.76.0 (see that script).</summary>
public static class DipReference
{
    private static string Folder => Path.Combine(TestPaths.RepositoryRoot, "tests", "Taxonomy.Tests", "Statistics", "DipReference");

    public static IReadOnlyList<DipReferenceSample> Samples { get; } = LoadSamples();

    public static IReadOnlyList<DipReferencePValue> PValues { get; } = Rows("pvalues.csv")
        .Select(c => new DipReferencePValue(int.Parse(c[0], CultureInfo.InvariantCulture), Number(c[1]), Number(c[2])))
        .ToList();

    public static DipReferenceSample Sample(string name) => Samples.Single(s => s.Name == name);

    private static List<DipReferenceSample> LoadSamples()
    {
        using var gzip = new GZipStream(File.OpenRead(Path.Combine(Folder, "samples.csv.gz")), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var values = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(line => line.Split(','))
            .ToLookup(cells => cells[0], cells => Number(cells[1]));
        return Rows("reference.csv")
            .Select(c => new DipReferenceSample(c[0], values[c[0]].ToArray(), Number(c[2]),
                int.Parse(c[3], CultureInfo.InvariantCulture), int.Parse(c[4], CultureInfo.InvariantCulture), Number(c[5])))
            .ToList();
    }

    private static IEnumerable<string[]> Rows(string file) =>
        File.ReadAllLines(Path.Combine(Folder, file)).Skip(1).Where(line => line.Length > 0).Select(line => line.Split(','));

    private static double Number(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
}
