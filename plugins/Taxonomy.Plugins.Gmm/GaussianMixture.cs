using TorchSharp;
using static TorchSharp.torch;

namespace Taxonomy.Plugins.Gmm;

/// <summary>The shape of each component's covariance.</summary>
public enum CovarianceType
{
    /// <summary>One full d×d covariance matrix per component.</summary>
    Full,

    /// <summary>Per-component variances: the features are independent within a component.</summary>
    Diag,
}

/// <summary>Settings of one EM fit (scikit-learn's <c>GaussianMixture</c> names in brackets).</summary>
public sealed record GaussianMixtureSettings
{
    /// <summary>[covariance_type]</summary>
    public CovarianceType Covariance { get; init; } = CovarianceType.Full;

    /// <summary>[max_iter]</summary>
    public int MaxIterations { get; init; } = 100;

    /// <summary>Stop when the mean log-likelihood per sample changes by less than this [tol].</summary>
    public double Tolerance { get; init; } = 1e-3;

    /// <summary>Added to the diagonal of every covariance so that it stays positive definite [reg_covar].</summary>
    public double Regularization { get; init; } = 1e-6;
}

/// <summary>
/// A fitted mixture, in float64: weights π [k], means μ [k, d], and covariances Σ [k, d, d] (full) or variances [k, d]
/// (diag). <see cref="LogLikelihood"/> is the mean over samples of log p(x); <see cref="Labels"/> the most responsible
/// component of each sample under these parameters. The tensors belong to the caller's dispose scope.
/// </summary>
public sealed record GaussianMixtureModel(
    Tensor Weights,
    Tensor Means,
    Tensor Covariances,
    CovarianceType Covariance,
    double LogLikelihood,
    int Iterations,
    bool Converged,
    int[] Labels);

/// <summary>
/// Expectation-maximisation for a Gaussian mixture, following scikit-learn's <c>GaussianMixture</c>: the first M-step
/// starts from hard initial labels (e.g. k-means); each E-step computes log πₖ + log 𝒩(x | μₖ, Σₖ) with a Cholesky
/// factor (full) or the variances (diag) and normalises with log-sum-exp, so far-away points give no 0/0; iterations
/// stop when the mean log-likelihood changes by less than the tolerance. A final E-step gives labels that belong to
/// the returned parameters.
/// </summary>
public static class GaussianMixture
{
    private static readonly double Log2Pi = Math.Log(2 * Math.PI);

    /// <summary>float64 machine epsilon (numpy's <c>finfo(float64).eps</c>).</summary>
    private const double Epsilon = 2.220446049250313e-16;

    public static GaussianMixtureModel Fit(Tensor points, int[] initialLabels, int clusters, GaussianMixtureSettings settings)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(initialLabels);
        ArgumentNullException.ThrowIfNull(settings);
        Validate(points, initialLabels, clusters, settings);

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var x = points.detach().to_type(ScalarType.Float64);
        var responsibilities = nn.functional.one_hot(tensor(initialLabels, ScalarType.Int64, x.device), clusters)
            .to_type(ScalarType.Float64);
        var parameters = MStep(x, responsibilities, settings);

        var previous = double.NegativeInfinity;
        var (iterations, converged) = (0, false);
        while (iterations < settings.MaxIterations)
        {
            iterations++;
            using var step = NewDisposeScope();
            var (logResponsibilities, logLikelihood) = EStep(x, parameters);
            var next = MStep(x, logResponsibilities.exp(), settings).MoveToOuterDisposeScope();
            parameters = next;
            if (Math.Abs(logLikelihood - previous) < settings.Tolerance)
            {
                converged = true;
                break;
            }
            previous = logLikelihood;
        }

        var (final, likelihood) = EStep(x, parameters);
        var labels = final.argmax(1).to_type(ScalarType.Int32).cpu().data<int>().ToArray();
        var model = new GaussianMixtureModel(parameters.Weights, parameters.Means, parameters.Covariances,
            settings.Covariance, likelihood, iterations, converged, labels);
        parameters.MoveToOuterDisposeScope();
        return model;
    }

    /// <summary>
    /// Log responsibilities [n, k] of <paramref name="points"/> under fitted parameters (float64, as
    /// <see cref="GaussianMixtureModel"/> holds them): the E-step that gives a fitted model's labels. Joins the caller's scope.
    /// </summary>
    public static Tensor LogResponsibilities(Tensor points, Tensor weights, Tensor means, Tensor covariances, CovarianceType covariance)
    {
        using var noGrad = no_grad();
        var x = points.detach().to_type(ScalarType.Float64);
        return EStep(x, new Parameters(weights, means, covariances, covariance)).LogResponsibilities;
    }

    /// <summary>π, μ and Σ (or variances) from responsibilities [n, k]. Joins the caller's scope.</summary>
    private static Parameters MStep(Tensor x, Tensor responsibilities, GaussianMixtureSettings settings)
    {
        var n = x.shape[0];
        // 10·ε keeps an empty component from dividing by zero (scikit-learn does the same).
        var counts = responsibilities.sum(0L).add_(10 * Epsilon);   // Nₖ [k] (a literal 0 would bind to sum(ScalarType))
        var means = responsibilities.t().mm(x).div_(counts.unsqueeze(1));                        // [k, d]
        var centred = x.unsqueeze(0) - means.unsqueeze(1);                                         // [k, n, d]
        var weighted = centred * responsibilities.t().unsqueeze(2);                                // rₙₖ (x − μₖ)
        Tensor covariances;
        if (settings.Covariance == CovarianceType.Full)
        {
            var d = x.shape[1];
            covariances = weighted.transpose(1, 2).bmm(centred).div_(counts.view(-1, 1, 1))
                .add_(eye(d, dtype: x.dtype, device: x.device).mul_(settings.Regularization));   // [k, d, d]
        }
        else
        {
            covariances = weighted.mul(centred).sum(1).div_(counts.unsqueeze(1)).add_(settings.Regularization);   // [k, d]
        }
        return new Parameters(counts / n, means, covariances, settings.Covariance);
    }

    /// <summary>log responsibilities [n, k] and the mean log-likelihood per sample. Joins the caller's scope.</summary>
    private static (Tensor LogResponsibilities, double LogLikelihood) EStep(Tensor x, Parameters p)
    {
        var d = x.shape[1];
        var centred = x.unsqueeze(0) - p.Means.unsqueeze(1);                                       // [k, n, d]
        Tensor mahalanobis, logDeterminant;                                                        // [k, n], [k]
        if (p.Covariance == CovarianceType.Full)
        {
            var cholesky = Cholesky(p.Covariances);                                                // Σ = L Lᵀ
            var solved = linalg.solve_triangular(cholesky, centred.transpose(1, 2), upper: false);  // L⁻¹ (x − μ) [k, d, n]
            mahalanobis = solved.square().sum(1);
            logDeterminant = cholesky.diagonal(0, -2, -1).log().sum(-1).mul_(2);
        }
        else
        {
            mahalanobis = centred.square().div_(p.Covariances.unsqueeze(1)).sum(2);
            logDeterminant = p.Covariances.log().sum(1);
        }
        var logDensity = mahalanobis.add_(logDeterminant.unsqueeze(1)).add_(d * Log2Pi).mul_(-0.5).t();   // [n, k]
        var joint = logDensity.add_(p.Weights.log().unsqueeze(0));                                 // log πₖ + log 𝒩
        var logEvidence = joint.logsumexp(1, keepdim: true);                                       // log p(x) [n, 1]
        return (joint - logEvidence, logEvidence.mean().item<double>());
    }

    private static Tensor Cholesky(Tensor covariances)
    {
        var (factor, info) = linalg.cholesky_ex(covariances);
        if (info.max().item<int>() > 0)
        {
            throw new InvalidOperationException(
                "gmm: a component's covariance is not positive definite (a component collapsed onto too few points). " +
                "Increase 'reg', use \"covariance\": \"diag\", or use fewer clusters.");
        }
        return factor;
    }

    private static void Validate(Tensor points, int[] labels, int clusters, GaussianMixtureSettings settings)
    {
        if (points.dim() != 2 || points.shape[0] < 1 || points.shape[1] < 1)
        {
            throw new ArgumentException($"gmm expects points [n, d], got [{string.Join(", ", points.shape)}].", nameof(points));
        }
        if (clusters < 1 || labels.Length != points.shape[0] || labels.Any(l => l < 0 || l >= clusters))
        {
            throw new ArgumentException(
                $"gmm needs one initial label in [0, {clusters}) per point ({points.shape[0]}), got {labels.Length} labels.", nameof(labels));
        }
        if (settings.MaxIterations < 1 || !(settings.Tolerance >= 0) || !(settings.Regularization >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(settings), settings, "gmm needs MaxIterations ≥ 1, Tolerance ≥ 0 and Regularization ≥ 0.");
        }
    }

    private sealed record Parameters(Tensor Weights, Tensor Means, Tensor Covariances, CovarianceType Covariance)
    {
        public Parameters MoveToOuterDisposeScope()
        {
            Weights.MoveToOuterDisposeScope();
            Means.MoveToOuterDisposeScope();
            Covariances.MoveToOuterDisposeScope();
            return this;
        }
    }
}
