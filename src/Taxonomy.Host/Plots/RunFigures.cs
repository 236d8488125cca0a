using System.Text.Json.Nodes;
using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Data;
using Taxonomy.Abstractions.Results;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Clustering;
using Taxonomy.Blocks.Features;
using Taxonomy.Blocks.Projection;
using Taxonomy.Host.Models;

namespace Taxonomy.Host.Plots;

/// <summary>
/// What the pictures of a run show, as plain arrays: the 2-D map of the clustering features, the clusters and labels,
/// the decoded centroids and the samples nearest each cluster's centre (image data only), and result.json.
/// <see cref="Gather"/> does the tensor work; the plot types only draw.
/// </summary>
public sealed record RunFigures
{
    /// <summary>Above this many points <see cref="MapProjection.Auto"/> maps with PCA: t-SNE's time grows faster than n.</summary>
    public const int TsneLimit = 10_000;

    /// <summary>Samples shown per cluster in the sample grid.</summary>
    public const int SamplesPerCluster = 10;

    /// <summary>Samples shown under each leaf of a cluster tree.</summary>
    public const int SamplesPerLeaf = 3;

    public required JsonObject Result { get; init; }
    public required string Dataset { get; init; }
    public required int[] Clusters { get; init; }
    public int[]? Labels { get; init; }
    public required double[] MapX { get; init; }
    public required double[] MapY { get; init; }

    /// <summary>"t-SNE" or "PCA".</summary>
    public required string MapName { get; init; }

    public ImageShape? Shape { get; init; }

    /// <summary>The decoder's image of each cluster's centre, with <see cref="DecodedTitle"/> saying which centre; null without a decoder.</summary>
    public IReadOnlyList<Tile>? Decoded { get; init; }
    public string DecodedTitle { get; init; } = "";

    /// <summary>Per non-empty cluster, the raw samples nearest its centre in feature space, nearest first.</summary>
    public IReadOnlyList<(int Cluster, IReadOnlyList<Tile> Samples)>? Nearest { get; init; }

    /// <summary>Where the centres came from: "centroids" (the model's cluster state) or "cluster means".</summary>
    public string CentreName { get; init; } = "";

    /// <summary>The cluster tree of a run whose result is a hierarchy (result.json's hierarchy.tree), else null.</summary>
    public ClusterTree? Tree { get; init; }

    /// <summary>Per leaf of <see cref="Tree"/>, the raw samples nearest its centre in feature space (image data only).</summary>
    public IReadOnlyDictionary<int, IReadOnlyList<Tile>>? LeafSamples { get; init; }

    public string LabelName(int label) => ClassNames.Of(Dataset, label);

    /// <param name="raw">The data as its source delivers it (the model preprocesses it; the sample grid shows it as it is).</param>
    /// <param name="clusters">The cluster of every sample of <paramref name="raw"/>.</param>
    public static RunFigures Gather(TrainedModel model, Dataset raw, int[] clusters, JsonObject result, MapProjection projection, TextWriter log)
    {
        if (clusters.Length != raw.Count)
        {
            throw new PlotException($"{raw.Source}: {raw.Count} samples, but {clusters.Length} assignments to draw.");
        }
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var features = model.Embed(raw).to(torch.float32);
        var k = Math.Max(model.Clusters, clusters.Max() + 1);
        var (mapX, mapY, mapName) = Map(features, projection, model.Method.Settings.Seed, log);
        var (centres, centreName) = Centres(model, features, clusters, k);
        var shape = ImageShape.Of(raw.SampleShape);
        var tree = TreeOf(result);
        var figures = new RunFigures
        {
            Result = result,
            Dataset = raw.Name,
            Clusters = clusters,
            Labels = raw.Labels,
            MapX = mapX,
            MapY = mapY,
            MapName = mapName,
            Shape = shape,
            CentreName = centreName,
            Tree = tree,
        };
        if (shape is null)
        {
            return figures;
        }
        var sizes = new int[k];
        foreach (var c in clusters)
        {
            sizes[c]++;
        }
        var (decoded, decodedTitle) = Decode(model, raw, clusters, sizes, shape) ?? ((IReadOnlyList<Tile>?)null, "");
        return figures with
        {
            Decoded = decoded,
            DecodedTitle = decodedTitle,
            Nearest = NearestSamples(raw, features, centres, clusters, sizes, shape),
            LeafSamples = tree is null ? null : LeafSamplesOf(tree, raw, features, shape),
        };
    }

    /// <summary>The tree of result.json's "hierarchy", or null when the result is not a hierarchy.</summary>
    private static ClusterTree? TreeOf(JsonObject result)
    {
        if (result["hierarchy"]?["tree"] is not { } json)
        {
            return null;
        }
        try
        {
            return ClusterTree.FromJson(json);
        }
        catch (InvalidDataException e)
        {
            throw new PlotException($"result.json: hierarchy.tree: {e.Message}", e);
        }
    }

    /// <summary>Per leaf, the <see cref="SamplesPerLeaf"/> samples nearest its centre; null when the centres are not in feature space.</summary>
    private static IReadOnlyDictionary<int, IReadOnlyList<Tile>>? LeafSamplesOf(ClusterTree tree, Dataset raw, torch.Tensor features, ImageShape shape)
    {
        if (tree.Dimension != features.shape[1])
        {
            return null;
        }
        var centres = torch.tensor(tree.Leaves.SelectMany(l => tree.Nodes[l].Center).ToArray(), [tree.Leaves.Count, tree.Dimension]);
        var nearest = torch.cdist(centres, features).topk(Math.Min(SamplesPerLeaf, (int)features.shape[0]), 1, largest: false).indexes;
        var flat = raw.Features.reshape(raw.Count, -1).to(torch.float32).contiguous();
        return tree.Leaves.Select((leaf, i) => (leaf, Tiles: Tiles(flat, nearest[i].data<long>().ToArray(), shape)))
            .ToDictionary(p => p.leaf, p => p.Tiles);
    }

    /// <summary>The rows <paramref name="chosen"/> of the flat raw data [n, pixels] as tiles, in that order.</summary>
    private static IReadOnlyList<Tile> Tiles(torch.Tensor flat, long[] chosen, ImageShape shape)
    {
        var images = flat.index_select(0, torch.tensor(chosen, torch.int64)).data<float>().ToArray();
        return Enumerable.Range(0, chosen.Length).Select(j => new Tile(images[(j * shape.Pixels)..((j + 1) * shape.Pixels)])).ToList();
    }

    private static (double[] X, double[] Y, string Name) Map(torch.Tensor features, MapProjection projection, int seed, TextWriter log)
    {
        var n = features.shape[0];
        var options = new TsneOptions();
        var tsne = projection == MapProjection.Tsne ||
                   (projection == MapProjection.Auto && n <= TsneLimit && n > 3 * options.Perplexity);
        torch.Tensor map;
        if (tsne)
        {
            using var generator = new torch.Generator((ulong)seed);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                map = new Tsne(options).Fit(features, generator).Embedding;
            }
            catch (ArgumentException e)
            {
                throw new PlotException($"--projection tsne: {e.Message.TrimEnd('.')}; map with --projection pca instead.", e);
            }
            log.WriteLine($"plots: t-SNE ({options.MethodFor(n)}) of {n} × {features.shape[1]} features, " +
                          $"{torch.get_num_threads()} threads: {clock.Elapsed.TotalSeconds:F1} s");
        }
        else
        {
            map = Pca.Project(features, Math.Min(2, (int)features.shape[1]));
        }
        var values = map.to(torch.float64).contiguous().data<double>().ToArray();
        var columns = (int)map.shape[1];
        var x = Enumerable.Range(0, (int)n).Select(i => values[i * columns]).ToArray();
        var y = Enumerable.Range(0, (int)n).Select(i => columns > 1 ? values[i * columns + 1] : 0).ToArray();
        return (x, y, tsne ? "t-SNE" : "PCA");
    }

    /// <summary>The model's centroids [k, d] in feature space where its cluster state has them, else each cluster's mean feature.</summary>
    private static (torch.Tensor Centres, string Name) Centres(TrainedModel model, torch.Tensor features, int[] clusters, int k) =>
        model.State.Get(ClusterStateKeys.Centroids) is { } centroids && centroids.shape.SequenceEqual([k, features.shape[1]])
            ? (centroids.detach().to(torch.float32), "centroids")
            : (ClusterMeans.Of(features, clusters, k), "cluster means");

    /// <summary>
    /// The decoder's image of each cluster's centre: of the centroids when the clustering features are the raw embedding
    /// the decoder reads; else of each cluster's mean embedding. Null when the branch has no decoder, or its output is
    /// not an image of the sample's size.
    /// </summary>
    private static (IReadOnlyList<Tile>, string)? Decode(TrainedModel model, Dataset raw, int[] clusters, int[] sizes, ImageShape shape)
    {
        if (model.Pipeline.Branch is not IDecoder decoder || !model.Pipeline.Branch.Outputs.Contains(Layers.Embedding))
        {
            return null;
        }
        var k = sizes.Length;
        var centroids = model.State.Get(ClusterStateKeys.Centroids);
        var decodesCentroids = model.Pipeline.FeatureSelector is EmbeddingFeatureSelector { IsRaw: true } && centroids?.shape[0] == k;
        var codes = decodesCentroids
            ? centroids!.detach().to(torch.float32)
            : ClusterMeans.Of(model.Embed(raw, Layers.Embedding).to(torch.float32), clusters, k);
        var images = decoder.Decode(codes).to(torch.float32).reshape(k, -1);
        if (images.shape[1] != shape.Pixels)
        {
            return null;
        }
        var pixels = images.contiguous().data<float>().ToArray();
        // An empty cluster still has a centroid, but no mean.
        var tiles = Enumerable.Range(0, k).Where(c => decodesCentroids || sizes[c] > 0)
            .Select(c => new Tile(pixels[(c * shape.Pixels)..((c + 1) * shape.Pixels)], $"cluster {c} · {sizes[c]}"))
            .ToList();
        return (tiles, decodesCentroids ? "Decoded centroids" : "Decoded cluster means (the mean embedding of each cluster's samples)");
    }

    private static IReadOnlyList<(int, IReadOnlyList<Tile>)> NearestSamples(Dataset raw, torch.Tensor features, torch.Tensor centres,
        int[] clusters, int[] sizes, ImageShape shape)
    {
        var distances = torch.cdist(features, centres);   // [n, k]
        var flat = raw.Features.reshape(raw.Count, -1).to(torch.float32).contiguous();
        var rows = new List<(int, IReadOnlyList<Tile>)>();
        for (var c = 0; c < sizes.Length; c++)
        {
            if (sizes[c] == 0)
            {
                continue;
            }
            var members = Enumerable.Range(0, clusters.Length).Where(i => clusters[i] == c).ToArray();
            var memberIndex = torch.tensor(members, torch.int64);
            var order = distances.index_select(0, memberIndex).select(1, c).argsort().data<long>().ToArray();
            var chosen = order.Take(SamplesPerCluster).Select(i => (long)members[i]).ToArray();
            rows.Add((c, Tiles(flat, chosen, shape)));
        }
        return rows;
    }
}
