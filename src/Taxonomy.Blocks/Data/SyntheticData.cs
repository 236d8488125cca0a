using System.Globalization;
using Taxonomy.Abstractions.Data;
using TorchSharp;

namespace Taxonomy.Blocks.Data;

/// <summary>
/// Generated data sets. All randomness comes from one <see cref="Random"/> seeded with the given seed
/// (Gaussians by Box-Muller), so a seed gives the same tensor on every machine and thread count.
/// </summary>
public static partial class SyntheticData
{
    private static readonly (double X, double Y)[] FourCentres = [(4, 0), (-4, 0), (0, 4), (0, -4)];

    /// <summary>
    /// The project's synthetic set: 4 unit-variance Gaussian clusters in 2-D centred at (±4, 0) and (0, ±4),
    /// mapped to 100-D by x = σ(U σ(W h)) with W 10×2 and U 100×10 drawn i.i.d. N(0, 1); σ is the logistic
    /// sigmoid. Labels are the cluster index; the sample order is shuffled.
    /// </summary>
    public static Dataset FourClusters(int seed, int perCluster = 2500) => FourClustersWithLatent(seed, perCluster).Data;

    /// <summary>As <see cref="FourClusters"/>, also returning the 2-D points h ([n, 2], row-major, same order).</summary>
    internal static (Dataset Data, double[] Latent) FourClustersWithLatent(int seed, int perCluster)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perCluster);
        const int hidden = 10, output = 100;
        var random = new Random(seed);
        var w = Gaussians(random, hidden * 2);        // W: 10×2, row-major
        var u = Gaussians(random, output * hidden);   // U: 100×10, row-major

        var n = FourCentres.Length * perCluster;
        var latent = new double[n * 2];
        var labels = new int[n];
        for (var i = 0; i < n; i++)
        {
            var (cx, cy) = FourCentres[i / perCluster];
            latent[2 * i] = cx + Gaussian(random);
            latent[2 * i + 1] = cy + Gaussian(random);
            labels[i] = i / perCluster;
        }
        var order = Permutation(random, n);

        var features = new float[n * output];
        var z = new double[hidden];
        for (var row = 0; row < n; row++)
        {
            var i = order[row];
            double hx = latent[2 * i], hy = latent[2 * i + 1];
            for (var j = 0; j < hidden; j++)
            {
                z[j] = Sigmoid(w[2 * j] * hx + w[2 * j + 1] * hy);
            }
            for (var k = 0; k < output; k++)
            {
                var sum = 0.0;
                for (var j = 0; j < hidden; j++)
                {
                    sum += u[k * hidden + j] * z[j];
                }
                features[row * output + k] = (float)Sigmoid(sum);
            }
        }

        var shuffledLatent = new double[n * 2];
        for (var row = 0; row < n; row++)
        {
            shuffledLatent[2 * row] = latent[2 * order[row]];
            shuffledLatent[2 * row + 1] = latent[2 * order[row] + 1];
        }
        var data = new Dataset(
            "synthetic",
            torch.tensor(features, new long[] { n, output }),
            Reorder(labels, order),
            $"synthetic: 4 Gaussian clusters × {perCluster} points in 2-D, mapped to {output}-D by σ(U σ(W h)), seed {seed}");
        return (data, shuffledLatent);
    }

    /// <summary>
    /// Isotropic Gaussian blobs (as scikit-learn's make_blobs): centres uniform in [−10, 10]^d, standard
    /// deviation <paramref name="spread"/>, labels = blob index, shuffled.
    /// </summary>
    public static Dataset Blobs(int seed, int clusters, int perCluster, int dimensions, double spread)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clusters);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perCluster);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimensions);
        ArgumentOutOfRangeException.ThrowIfNegative(spread);
        var random = new Random(seed);
        var centres = new double[clusters * dimensions];
        for (var i = 0; i < centres.Length; i++)
        {
            centres[i] = -10 + 20 * random.NextDouble();
        }

        var n = clusters * perCluster;
        var points = new float[n * dimensions];
        var labels = new int[n];
        var order = Permutation(random, n);
        for (var row = 0; row < n; row++)
        {
            var blob = order[row] / perCluster;
            labels[row] = blob;
            for (var d = 0; d < dimensions; d++)
            {
                points[row * dimensions + d] = (float)(centres[blob * dimensions + d] + spread * Gaussian(random));
            }
        }
        return new Dataset(
            "blobs",
            torch.tensor(points, new long[] { n, dimensions }),
            labels,
            string.Create(CultureInfo.InvariantCulture,
                $"blobs: {clusters} clusters × {perCluster} points, {dimensions}-D, spread {spread}, seed {seed}"));
    }

    private static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

    /// <summary>A standard normal draw by Box-Muller (one of the pair; simplicity over speed).</summary>
    private static double Gaussian(Random random)
    {
        var u1 = 1.0 - random.NextDouble();   // (0, 1]: keeps the log finite
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    private static double[] Gaussians(Random random, int count)
    {
        var values = new double[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = Gaussian(random);
        }
        return values;
    }

    /// <summary>Fisher-Yates; written out rather than Random.Shuffle so the draw order is ours to keep stable.</summary>
    private static int[] Permutation(Random random, int n)
    {
        var order = new int[n];
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
        }
        for (var i = n - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    private static int[] Reorder(int[] values, int[] order) => Array.ConvertAll(order, i => values[i]);
}
