using Taxonomy.Blocks.Clustering;
using Taxonomy.Blocks.PostClustering;
using Taxonomy.Tests.TestSupport;
using static TorchSharp.torch;

namespace Taxonomy.Tests.Clustering;

[TestFixture]
public sealed class AgglomerativeTests
{
    /// <summary>
    /// The definition, slowly: repeatedly merge the two clusters whose linkage, computed from their members, is smallest.
    /// Ward's is the increase of the sum of squares, |A||B|/(|A| + |B|)·‖μ_A − μ_B‖².
    /// </summary>
    private static int[] Greedy(double[][] x, int k, Linkage linkage)
    {
        var clusters = Enumerable.Range(0, x.Length).Select(i => new List<int> { i }).ToList();
        double Distance(int i, int j) => Math.Sqrt(x[i].Zip(x[j], (a, b) => (a - b) * (a - b)).Sum());
        double[] Mean(List<int> c) => Enumerable.Range(0, x[0].Length).Select(f => c.Average(i => x[i][f])).ToArray();
        double Link(List<int> a, List<int> b)
        {
            var pairs = a.SelectMany(i => b.Select(j => Distance(i, j))).ToList();
            return linkage switch
            {
                Linkage.Single => pairs.Min(),
                Linkage.Complete => pairs.Max(),
                Linkage.Average => pairs.Average(),
                _ => (double)a.Count * b.Count / (a.Count + b.Count) * Mean(a).Zip(Mean(b), (p, q) => (p - q) * (p - q)).Sum(),
            };
        }
        while (clusters.Count > k)
        {
            var (bi, bj, best) = (0, 1, double.PositiveInfinity);
            for (var i = 0; i < clusters.Count; i++)
            {
                for (var j = i + 1; j < clusters.Count; j++)
                {
                    var link = Link(clusters[i], clusters[j]);
                    if (link < best)
                    {
                        (bi, bj, best) = (i, j, link);
                    }
                }
            }
            clusters[bi].AddRange(clusters[bj]);
            clusters.RemoveAt(bj);
        }
        var labels = new int[x.Length];
        for (var c = 0; c < clusters.Count; c++)
        {
            clusters[c].ForEach(i => labels[i] = c);
        }
        return Canonical(labels);
    }

    private static int[] Canonical(int[] labels)
    {
        var numbers = new Dictionary<int, int>();
        return labels.Select(l => numbers.TryGetValue(l, out var n) ? n : numbers[l] = numbers.Count).ToArray();
    }

    [Test]
    public void Every_linkage_cuts_the_same_partition_as_the_definition_computed_greedily(
        [Values] Linkage linkage, [Values(2, 3, 7)] int k, [Values(1, 2)] int seed)
    {
        var random = new Random(seed);
        var x = Enumerable.Range(0, 40).Select(_ => new[] { random.NextDouble() * 10, random.NextDouble() * 10 }).ToArray();

        var labels = Agglomerative.Cluster(x, Enumerable.Repeat(1.0, x.Length).ToArray(), k, linkage);

        Assert.That(labels, Is.EqualTo(Greedy(x, k, linkage)));
    }

    [Test]
    public void Single_linkage_keeps_a_chain_whole_where_complete_linkage_cuts_it()
    {
        // A chain 0 … 9.9 with gaps of 1.4 to 1.9 and a pair 13, 13.8 beyond a gap of 3.1. At k = 2 single linkage
        // separates the pair from the chain; complete linkage would rather split the 9.9-long chain.
        double[][] x = [[0], [1.4], [2.9], [4.5], [6.2], [8.0], [9.9], [13], [13.8]];
        var ones = Enumerable.Repeat(1.0, x.Length).ToArray();
        Assert.That(Agglomerative.Cluster(x, ones, 2, Linkage.Single), Is.EqualTo(new[] { 0, 0, 0, 0, 0, 0, 0, 1, 1 }));
        Assert.That(Agglomerative.Cluster(x, ones, 2, Linkage.Complete), Is.EqualTo(Greedy(x, 2, Linkage.Complete)));
        Assert.That(Agglomerative.Cluster(x, ones, 2, Linkage.Complete), Is.EqualTo(new[] { 0, 0, 0, 0, 1, 1, 1, 1, 1 }));
    }

    [Test]
    public void Above_the_exact_limit_the_post_clustering_clusters_k_means_micro_clusters()
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        var centres = tensor(new float[,] { { 0, 0 }, { 10, 0 }, { 0, 10 }, { 10, 10 } });
        var truth = arange(4).repeat_interleave(50);
        var points = centres.index_select(0, truth) + randn(200, 2) * 0.5f;
        using var run = new FakeRunContext(points, clusters: 4);
        var block = new AgglomerativePostClustering(new AgglomerativePostClustering.Options { ExactUpTo = 50, MicroClusters = 20 });

        var labels = block.Cluster(run).Primary.Labels;

        Assert.That(Canonical(labels), Is.EqualTo(Canonical(truth.to(ScalarType.Int32).data<int>().ToArray())));
        Assert.That(run.Messages.Single(), Is.EqualTo("agglomerative: Ward linkage over 20 k-means micro-clusters of the 200 samples"));
    }

    [Test]
    public void The_shipped_ae_ward_manifest_clusters_separated_blobs()
    {
        var services = Manifests.Services();
        var definition = services.Loader.Load(Path.Combine(TestPaths.RepositoryRoot, "manifests", "ae-ward.json"), [
            "data={\"source\": \"blobs\", \"perCluster\": 50, \"clusters\": 4, \"dimensions\": 8}",
            "branch.dims=[32, 8]", "schedule.epochs=10", "optimizer.batchSize=32", "optimizer.learningRate=0.01",
            "log.metricsEvery=0", "threads=1", "pretrainingCache=false"]);

        var result = Manifests.Runner(TextWriter.Null).Run(definition);

        Assert.That(result.Metrics!.Accuracy, Is.GreaterThanOrEqualTo(0.95));
    }

    [Test]
    public void More_micro_clusters_than_the_exact_limit_is_an_option_error()
    {
        var options = new AgglomerativePostClustering.Options { ExactUpTo = 100, MicroClusters = 200 };
        Assert.That(options.Validate().Single(), Is.EqualTo(("microClusters", "200 micro-clusters is more than exactUpTo (100); use at most exactUpTo")));
    }
}
