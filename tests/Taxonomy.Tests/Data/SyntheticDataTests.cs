using Taxonomy.Blocks.Data;
using TorchSharp;

namespace Taxonomy.Tests.Data;

[TestFixture]
public sealed class SyntheticDataTests
{
    [Test]
    public void Four_clusters_gives_10000_points_in_100_dimensions_with_4_balanced_labels()
    {
        using var data = SyntheticData.FourClusters(seed: 1);

        Assert.That(data.Name, Is.EqualTo("synthetic"));
        Assert.That(data.Features.shape, Is.EqualTo(new long[] { 10_000, 100 }));
        Assert.That(data.Labels!.GroupBy(l => l).ToDictionary(g => g.Key, g => g.Count()),
            Is.EqualTo(new Dictionary<int, int> { [0] = 2500, [1] = 2500, [2] = 2500, [3] = 2500 }));
        // x = σ(...) lies in (0, 1).
        Assert.That(data.Features.min().item<float>(), Is.GreaterThan(0f));
        Assert.That(data.Features.max().item<float>(), Is.LessThan(1f));
    }

    [Test]
    public void The_same_seed_gives_the_same_tensor_and_another_seed_a_different_one()
    {
        using var first = SyntheticData.FourClusters(seed: 7, perCluster: 100);
        using var again = SyntheticData.FourClusters(seed: 7, perCluster: 100);
        using var other = SyntheticData.FourClusters(seed: 8, perCluster: 100);

        Assert.That(first.Features.data<float>().ToArray(), Is.EqualTo(again.Features.data<float>().ToArray()));
        Assert.That(first.Labels, Is.EqualTo(again.Labels));
        Assert.That(first.Features.data<float>().ToArray(), Is.Not.EqualTo(other.Features.data<float>().ToArray()));
    }

    [Test]
    public void The_samples_are_shuffled()
    {
        using var data = SyntheticData.FourClusters(seed: 1, perCluster: 100);

        Assert.That(data.Labels![..100].Distinct().Count(), Is.EqualTo(4));
    }

    [Test]
    public void In_the_2d_space_the_nearest_centre_is_the_label_for_at_least_99_percent_of_points()
    {
        (double X, double Y)[] centres = [(4, 0), (-4, 0), (0, 4), (0, -4)];
        var (data, latent) = SyntheticData.FourClustersWithLatent(seed: 3, perCluster: 2500);
        using var _ = data;

        var agree = 0;
        for (var i = 0; i < data.Count; i++)
        {
            double x = latent[2 * i], y = latent[2 * i + 1];
            var nearest = Enumerable.Range(0, 4)
                .MinBy(c => Math.Pow(x - centres[c].X, 2) + Math.Pow(y - centres[c].Y, 2));
            agree += nearest == data.Labels![i] ? 1 : 0;
        }

        Assert.That(agree / (double)data.Count, Is.GreaterThanOrEqualTo(0.99));
    }

    [Test]
    public void Blobs_have_the_requested_shape_labels_and_spread()
    {
        using var data = SyntheticData.Blobs(seed: 2, clusters: 3, perCluster: 400, dimensions: 5, spread: 0.5);

        Assert.That(data.Name, Is.EqualTo("blobs"));
        Assert.That(data.Features.shape, Is.EqualTo(new long[] { 1200, 5 }));
        Assert.That(data.Labels!.Distinct().Order(), Is.EqualTo(new[] { 0, 1, 2 }));
        Assert.That(data.Labels!.Count(l => l == 1), Is.EqualTo(400));
        using var labels = torch.tensor(data.Labels!);
        using var mask = labels.eq(1);
        using var blob = data.Features[mask];
        using var std = blob.std(0);
        Assert.That(std.data<float>().ToArray(), Is.All.InRange(0.4f, 0.6f));
    }

    [Test]
    public void Blob_centres_lie_in_the_minus_10_to_10_box_and_repeat_with_the_seed()
    {
        using var data = SyntheticData.Blobs(seed: 4, clusters: 8, perCluster: 50, dimensions: 3, spread: 0.0);
        using var again = SyntheticData.Blobs(seed: 4, clusters: 8, perCluster: 50, dimensions: 3, spread: 0.0);

        Assert.That(data.Features.abs().max().item<float>(), Is.LessThanOrEqualTo(10f));
        Assert.That(data.Features.data<float>().ToArray(), Is.EqualTo(again.Features.data<float>().ToArray()));
    }
}
