using System.Globalization;
using Taxonomy.Abstractions.Data;
using TorchSharp;

namespace Taxonomy.Blocks.Data;

public static partial class SyntheticData
{
    public const string TableName = "table";

    /// <summary>
    /// A generated table as users bring them, not as k-means likes them: a Gaussian mixture whose clusters have unequal
    /// sizes (the largest twice the smallest) and correlated columns (each cluster its own full covariance), every column
    /// on its own scale and offset (factors from 0.1 to 30), plus irrelevant columns of noise on their own scales.
    /// One <see cref="Random"/> seeded with the seed draws everything, so a seed gives the same table everywhere.
    /// </summary>
    /// <param name="perCluster">Rows of the largest cluster; the others shrink evenly to half of it.</param>
    /// <param name="informative">Columns that carry the clusters.</param>
    /// <param name="irrelevant">Columns of noise, independent of the clusters.</param>
    /// <param name="spread">Factor of every cluster's spread: larger overlaps the clusters more.</param>
    public static Dataset Table(int seed, int clusters, int perCluster, int informative, int irrelevant, double spread)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clusters);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perCluster);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(informative);
        ArgumentOutOfRangeException.ThrowIfNegative(irrelevant);
        ArgumentOutOfRangeException.ThrowIfNegative(spread);
        var random = new Random(seed);
        var columns = informative + irrelevant;
        var sizes = Enumerable.Range(0, clusters)
            .Select(c => Math.Max(1, (int)Math.Round(perCluster * (clusters == 1 ? 1.0 : 1.0 - 0.5 * c / (clusters - 1)))))
            .ToArray();
        // Centres 3 standard deviations apart per column on average; each cluster's spread is A·g with A a random
        // d×d matrix (entries N(0, 1/d)), so its covariance A·Aᵀ correlates the columns.
        var centres = Scaled(Gaussians(random, clusters * informative), 3.0);
        var mixing = Scaled(Gaussians(random, clusters * informative * informative), spread / Math.Sqrt(informative));
        var scales = Enumerable.Range(0, columns).Select(_ => Math.Pow(10, -1 + 2.5 * random.NextDouble())).ToArray();
        var offsets = Enumerable.Range(0, columns).Select(_ => -100 + 200 * random.NextDouble()).ToArray();

        var n = sizes.Sum();
        var rows = new float[n * columns];
        var labels = new int[n];
        var order = Permutation(random, n);
        var g = new double[informative];
        var row = 0;
        for (var c = 0; c < clusters; c++)
        {
            for (var s = 0; s < sizes[c]; s++, row++)
            {
                var at = order[row];
                labels[at] = c;
                for (var j = 0; j < informative; j++)
                {
                    g[j] = Gaussian(random);
                }
                for (var j = 0; j < informative; j++)
                {
                    var value = centres[c * informative + j];
                    for (var m = 0; m < informative; m++)
                    {
                        value += mixing[(c * informative + j) * informative + m] * g[m];
                    }
                    rows[at * columns + j] = (float)(offsets[j] + scales[j] * value);
                }
                for (var j = informative; j < columns; j++)
                {
                    rows[at * columns + j] = (float)(offsets[j] + scales[j] * Gaussian(random));
                }
            }
        }
        return new Dataset(TableName, torch.tensor(rows, new long[] { n, columns }), labels, string.Create(CultureInfo.InvariantCulture,
            $"table: {clusters} correlated Gaussian clusters of {string.Join("/", sizes)} rows, {informative} informative and {irrelevant} irrelevant columns on their own scales, spread {spread}, seed {seed}"));
    }

    private static double[] Scaled(double[] values, double scale)
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i] *= scale;
        }
        return values;
    }
}
