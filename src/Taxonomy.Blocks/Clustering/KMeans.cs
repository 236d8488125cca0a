using Taxonomy.Abstractions.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Taxonomy.Blocks.Clustering;

/// <summary>
/// k-means on tensors: scikit-learn's <c>KMeans(init="k-means++", algorithm="lloyd")</c>, vectorised.
/// <list type="bullet">
/// <item>Seeding is greedy k-means++ (<c>_kmeans_plusplus</c>): the first centre is uniform, each next one is the best
/// of <c>2 + ⌊ln k⌋</c> candidates drawn with probability ∝ D(x)², "best" meaning the lowest potential Σ D².</item>
/// <item>Lloyd iterations stop when the labels no longer change or the total squared centre shift is at most
/// <c>Tolerance × mean per-feature variance</c> (<c>_tolerance</c>), or after <c>MaxIterations</c>; a final E-step makes
/// the labels those of the returned centres.</item>
/// <item>An empty cluster takes over the point farthest from its centre (<c>_relocate_empty_clusters</c>), so centres are
/// never NaN.</item>
/// <item><c>Restarts</c> independent runs; the lowest inertia wins.</item>
/// </list>
/// Work happens on mean-centred data (as scikit-learn does) in the input's floating dtype; squared distances come from
/// ‖x‖² − 2 x·cᵀ + ‖c‖² (one matmul), centre sums from <c>index_add_</c>. All randomness comes from the generator, so a
/// seed reproduces the result. No tensor outlives <see cref="Fit(Tensor, int, KMeansSettings, Generator)"/> except the
/// returned centroids, which are detached from every dispose scope: the <see cref="KMeansResult"/> owns them.
/// </summary>
public sealed class KMeans : IKMeans
{
    /// <summary>Elements per chunk when the exact inertia is summed (bounds the temporary memory).</summary>
    private const long InertiaChunkElements = 1L << 22;

    public KMeansResult Fit(Tensor points, int clusters, KMeansSettings settings, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(generator);
        ValidateSettings(settings);
        ValidatePoints(points, clusters);

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var data = PreparedData.Create(points, settings.Tolerance);

        Run? best = null;
        for (var restart = 0; restart < settings.Restarts; restart++)
        {
            using var attempt = NewDisposeScope();
            var initial = SeedKMeansPlusPlus(data, clusters, generator);
            var run = Lloyd(data, initial, settings.MaxIterations);
            if (best is null || run.Inertia < best.Inertia)
            {
                best?.Dispose();
                best = run.MoveToOuterDisposeScope();
            }
        }

        return best!.ToResult(data);
    }

    /// <summary>
    /// Lloyd iterations from given initial centroids [k, d] (scikit-learn's <c>init=array</c>, one run:
    /// <see cref="KMeansSettings.Restarts"/> is ignored). Neither input is modified or disposed.
    /// </summary>
    public KMeansResult Fit(Tensor points, Tensor initialCentroids, KMeansSettings settings)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(initialCentroids);
        ArgumentNullException.ThrowIfNull(settings);
        ValidateSettings(settings);
        if (initialCentroids.dim() != 2)
        {
            throw new ArgumentException(
                $"Initial centroids must be a 2-D tensor [k, d], got shape {ShapeText(initialCentroids)}.", nameof(initialCentroids));
        }
        ValidatePoints(points, checked((int)initialCentroids.shape[0]));
        if (initialCentroids.shape[1] != points.shape[1])
        {
            throw new ArgumentException(
                $"Initial centroids have {initialCentroids.shape[1]} features, the points {points.shape[1]}.", nameof(initialCentroids));
        }

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var data = PreparedData.Create(points, settings.Tolerance);
        var initial = initialCentroids.detach().to(data.X.dtype, data.X.device);
        if (!isfinite(initial).all().item<bool>())
        {
            throw new ArgumentException("Initial centroids contain NaN or infinite values.", nameof(initialCentroids));
        }
        using var run = Lloyd(data, initial - data.Mean, settings.MaxIterations);
        return run.ToResult(data);
    }

    /// <summary>
    /// k-means++ seeding alone, the start of one restart of <see cref="Fit(Tensor, int, KMeansSettings, Generator)"/>:
    /// centres [k, d] in input coordinates. Joins the caller's dispose scope.
    /// </summary>
    public static Tensor SeedPlusPlus(Tensor points, int clusters, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(generator);
        ValidatePoints(points, clusters);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var data = PreparedData.Create(points, 0);
        return SeedKMeansPlusPlus(data, clusters, generator).add(data.Mean).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Squared Euclidean distances [n, k] between points [n, d] and centroids [k, d], as ‖x‖² − 2 x·cᵀ + ‖c‖²
    /// clamped at 0. The result joins the caller's dispose scope; gradients flow if the inputs require them.
    /// </summary>
    public static Tensor SquaredDistances(Tensor points, Tensor centroids)
    {
        ValidatePair(points, centroids);
        using var scope = NewDisposeScope();
        var c = centroids.to(points.dtype, points.device);
        return DistancesCore(points, points.square().sum(1), c).MoveToOuterDisposeScope();
    }

    /// <summary>Index of the nearest centroid for every point: int64 [n]. Joins the caller's dispose scope.</summary>
    public static Tensor AssignNearest(Tensor points, Tensor centroids)
    {
        ValidatePair(points, centroids);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var c = centroids.to(points.dtype, points.device);
        // ‖x‖² is the same for every centroid, so the argmin needs only ‖c‖² − 2 x·cᵀ.
        var score = c.square().sum(1).unsqueeze(0).addmm(points, c.t(), beta: 1, alpha: -2);
        return score.argmin(1).MoveToOuterDisposeScope();
    }

    /// <summary>‖x‖² − 2 x·cᵀ + ‖c‖², clamped at 0: [n, k]. Temporaries join the caller's scope.</summary>
    private static Tensor DistancesCore(Tensor x, Tensor squaredNorms, Tensor centres) =>
        centres.square().sum(1).unsqueeze(0)
            .addmm(x, centres.t(), beta: 1, alpha: -2)
            .add_(squaredNorms.unsqueeze(1))
            .clamp_min_(0);

    /// <summary>Greedy k-means++ (scikit-learn's <c>_kmeans_plusplus</c>): initial centres [k, d], centred coordinates.</summary>
    private static Tensor SeedKMeansPlusPlus(PreparedData data, int clusters, Generator generator)
    {
        using var scope = NewDisposeScope();
        var x = data.X;
        var n = x.shape[0];
        var trials = 2 + (int)Math.Log(clusters);
        var chosen = new long[clusters];

        chosen[0] = randint(n, new long[] { 1 }, generator: generator).item<long>();
        var closest = DistancesCore(x, data.SquaredNorms, x.narrow(0, chosen[0], 1)).squeeze(1);   // D(x)² [n]
        var potential = closest.sum(ScalarType.Float64).item<double>();

        for (var c = 1; c < clusters; c++)
        {
            using var step = NewDisposeScope();
            var thresholds = rand(trials, ScalarType.Float64, generator: generator).mul_(potential).to(x.device);
            var cumulative = closest.cumsum(0, ScalarType.Float64);
            var candidates = searchsorted(cumulative, thresholds).clamp_max_(n - 1);
            var candidateDistances = DistancesCore(x, data.SquaredNorms, x.index_select(0, candidates))
                .minimum(closest.unsqueeze(1));                                                  // [n, trials]
            var potentials = candidateDistances.sum(0, type: ScalarType.Float64);
            var best = potentials.argmin().item<long>();
            potential = potentials[best].item<double>();
            chosen[c] = candidates[best].item<long>();

            var next = candidateDistances.select(1, best).contiguous().MoveToOuterDisposeScope();
            closest.Dispose();
            closest = next;
        }

        return x.index_select(0, tensor(chosen, device: x.device)).MoveToOuterDisposeScope();
    }

    /// <summary>Lloyd iterations from <paramref name="initial"/> (centred coordinates, not disposed).</summary>
    private static Run Lloyd(PreparedData data, Tensor initial, int maxIterations)
    {
        using var scope = NewDisposeScope();
        var x = data.X;
        var centres = initial.alias();
        Tensor? previousLabels = null;
        var iterations = 0;

        for (var i = 0; i < maxIterations; i++)
        {
            iterations = i + 1;
            using var step = NewDisposeScope();
            var (labels, scores) = Assign(data, centres);
            var updated = UpdateCentres(data, labels, scores, centres.shape[0]);
            var unchanged = previousLabels is not null && labels.eq(previousLabels).all().item<bool>();
            var shift = unchanged ? 0.0 : (updated - centres).square().sum(ScalarType.Float64).item<double>();

            centres.Dispose();
            centres = updated.MoveToOuterDisposeScope();
            previousLabels?.Dispose();
            previousLabels = labels.MoveToOuterDisposeScope();
            if (unchanged || shift <= data.Tolerance)
            {
                break;
            }
        }

        // Final E-step, so that the labels are those of the returned centres.
        var (finalLabels, _) = Assign(data, centres);
        var inertia = Inertia(x, centres, finalLabels);
        return new Run(centres, finalLabels, inertia, iterations).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// E-step: nearest centre (int64 [n]) and its score ‖c‖² − 2 x·c ([n]; + ‖x‖² gives the squared distance, which only
    /// the rare empty-cluster relocation needs). Joins the caller's scope.
    /// </summary>
    private static (Tensor Labels, Tensor Scores) Assign(PreparedData data, Tensor centres)
    {
        var (values, indexes) = centres.square().sum(1).unsqueeze(0)
            .addmm(data.X, centres.t(), beta: 1, alpha: -2)
            .min(1);
        return (indexes, values);
    }

    /// <summary>M-step with scikit-learn's empty-cluster relocation. Joins the caller's scope.</summary>
    private static Tensor UpdateCentres(PreparedData data, Tensor labels, Tensor scores, long clusters)
    {
        var x = data.X;
        var sums = zeros(clusters, x.shape[1], x.dtype, x.device).index_add_(0, labels, x, 1);
        var counts = labels.bincount(null, clusters).cpu().data<long>().ToArray();

        var empty = Enumerable.Range(0, counts.Length).Where(j => counts[j] == 0).ToArray();
        if (empty.Length > 0)
        {
            // Each empty cluster takes one of the points farthest from their centres: the point leaves its
            // cluster's sum and becomes the empty cluster's sum (labels are fixed by the next E-step).
            var far = scores.add(data.SquaredNorms).topk(empty.Length).indexes;
            var farIds = far.cpu().data<long>().ToArray();
            var farLabels = labels.index_select(0, far).cpu().data<long>().ToArray();
            for (var j = 0; j < empty.Length; j++)
            {
                var point = x[farIds[j]];
                sums[farLabels[j]].sub_(point);
                sums[empty[j]].copy_(point);
                counts[farLabels[j]] -= 1;
                counts[empty[j]] = 1;
            }
        }

        // A cluster emptied by relocation keeps its (zero) sum instead of dividing by zero, as scikit-learn does.
        var divisor = tensor(counts, device: x.device).clamp_min_(1).to_type(x.dtype).unsqueeze(1);
        return sums.div_(divisor);
    }

    /// <summary>Σ ‖x − c(x)‖², computed exactly in row chunks and accumulated in float64.</summary>
    private static double Inertia(Tensor x, Tensor centres, Tensor labels)
    {
        var n = x.shape[0];
        var chunk = Math.Max(1, InertiaChunkElements / Math.Max(1, x.shape[1]));
        var total = 0.0;
        for (long start = 0; start < n; start += chunk)
        {
            using var scope = NewDisposeScope();
            var length = Math.Min(chunk, n - start);
            var own = centres.index_select(0, labels.narrow(0, start, length));
            total += x.narrow(0, start, length).sub(own).square().sum(ScalarType.Float64).item<double>();
        }
        return total;
    }

    private static void ValidateSettings(KMeansSettings settings)
    {
        if (settings.Restarts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(settings), settings.Restarts,
                $"k-means needs Restarts ≥ 1, got {settings.Restarts}.");
        }
        if (settings.MaxIterations < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(settings), settings.MaxIterations,
                $"k-means needs MaxIterations ≥ 1, got {settings.MaxIterations}.");
        }
        if (!(settings.Tolerance >= 0) || double.IsInfinity(settings.Tolerance))
        {
            throw new ArgumentOutOfRangeException(nameof(settings), settings.Tolerance,
                $"k-means needs a finite Tolerance ≥ 0, got {settings.Tolerance}.");
        }
    }

    /// <summary>Shape and k checks (cheap); the NaN/inf scan happens in <see cref="PreparedData.Create"/>.</summary>
    private static void ValidatePoints(Tensor points, int clusters)
    {
        if (points.dim() != 2)
        {
            throw new ArgumentException(
                $"k-means expects a 2-D tensor of points [n, d], got shape {ShapeText(points)}.", nameof(points));
        }
        if (points.shape[1] < 1)
        {
            throw new ArgumentException("k-means needs at least one feature, got d=0.", nameof(points));
        }
        if (clusters < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(clusters), clusters, $"k-means needs k ≥ 1, got k={clusters}.");
        }
        if (points.shape[0] < clusters)
        {
            throw new ArgumentException(
                $"k-means needs at least k={clusters} points, got {points.shape[0]}.", nameof(points));
        }
    }

    private static void ValidatePair(Tensor points, Tensor centroids)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(centroids);
        if (points.dim() != 2 || centroids.dim() != 2 || points.shape[1] != centroids.shape[1])
        {
            throw new ArgumentException(
                $"Expected points [n, d] and centroids [k, d], got {ShapeText(points)} and {ShapeText(centroids)}.");
        }
    }

    private static string ShapeText(Tensor t) => "[" + string.Join(", ", t.shape) + "]";

    /// <summary>The data of one fit: centred points, their squared norms, the mean and the absolute tolerance.</summary>
    private sealed record PreparedData(Tensor X, Tensor SquaredNorms, Tensor Mean, double Tolerance)
    {
        /// <summary>Tensors join the caller's scope. Integer input is computed in float32.</summary>
        public static PreparedData Create(Tensor points, double relativeTolerance)
        {
            var x = points.detach();
            if (!x.is_floating_point())
            {
                x = x.to_type(ScalarType.Float32);
            }
            // A NaN or ±inf anywhere makes its column mean non-finite: no separate full scan of the data is needed.
            var mean64 = x.mean([0], keepdim: true, type: ScalarType.Float64);
            if (!isfinite(mean64).all().item<bool>())
            {
                throw new ArgumentException("k-means input contains NaN or infinite values.", nameof(points));
            }
            var mean = mean64.to_type(x.dtype);
            var centred = (x - mean).contiguous();
            var squaredNorms = centred.square().sum(1);

            // scikit-learn's _tolerance: tol × mean over features of the (population) variance, i.e. Σ‖x − x̄‖² / (n d).
            var totalVariance = squaredNorms.sum(ScalarType.Float64).item<double>();
            if (!double.IsFinite(totalVariance))
            {
                throw new ArgumentException(
                    $"k-means input is too large for {x.dtype}: squared distances overflow to infinity.", nameof(points));
            }
            var meanVariance = totalVariance / (x.shape[0] * (double)x.shape[1]);
            return new PreparedData(centred, squaredNorms, mean, relativeTolerance * meanVariance);
        }
    }

    /// <summary>One Lloyd run in centred coordinates.</summary>
    private sealed record Run(Tensor Centres, Tensor Labels, double Inertia, int Iterations) : IDisposable
    {
        public Run MoveToOuterDisposeScope()
        {
            Centres.MoveToOuterDisposeScope();
            Labels.MoveToOuterDisposeScope();
            return this;
        }

        /// <summary>Centroids back in input coordinates, detached from every scope; labels to the host.</summary>
        public KMeansResult ToResult(PreparedData data)
        {
            var labels = Labels.to_type(ScalarType.Int32).cpu().data<int>().ToArray();
            var centroids = (Centres + data.Mean).DetachFromDisposeScope();
            return new KMeansResult(centroids, labels, Inertia, Iterations);
        }

        public void Dispose()
        {
            Centres.Dispose();
            Labels.Dispose();
        }
    }
}
