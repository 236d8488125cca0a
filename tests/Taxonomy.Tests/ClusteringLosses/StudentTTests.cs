using Taxonomy.Blocks.ClusteringLosses;
using static TorchSharp.torch;

namespace Taxonomy.Tests.ClusteringLosses;

/// <summary>
/// The hand example used by the cluster-hardening tests: points z1 = (0, 0), z2 = (2, 0); centroids μ1 = (0, 0),
/// μ2 = (1, 0); α = 1, so the kernel is 1 / (1 + d²).
/// d² = [[0, 1], [4, 1]] → kernel [[1, 1/2], [1/5, 1/2]] → q = [[2/3, 1/3], [2/7, 5/7]].
/// f = Σ_i q = [2/3 + 2/7, 1/3 + 5/7] = [20/21, 22/21].
/// q²/f = [[7/15, 7/66], [3/35, 75/154]]; row sums 63/110 and 441/770 → p = [[22/27, 5/27], [22/147, 125/147]].
/// </summary>
[TestFixture]
public sealed class StudentTTests
{
    public static readonly double[,] Q = { { 2.0 / 3, 1.0 / 3 }, { 2.0 / 7, 5.0 / 7 } };
    public static readonly double[,] P = { { 22.0 / 27, 5.0 / 27 }, { 22.0 / 147, 125.0 / 147 } };

    public static Tensor Points() => tensor(new float[,] { { 0, 0 }, { 2, 0 } });

    public static Tensor Centroids() => tensor(new float[,] { { 0, 0 }, { 1, 0 } });

    /// <summary>KL(A ‖ B) = mean over rows of Σ_j a_ij ln(a_ij / b_ij).</summary>
    public static double Kl(double[,] a, double[,] b)
    {
        var total = 0.0;
        for (var i = 0; i < a.GetLength(0); i++)
        {
            for (var j = 0; j < a.GetLength(1); j++)
            {
                total += a[i, j] * Math.Log(a[i, j] / b[i, j]);
            }
        }
        return total / a.GetLength(0);
    }

    public static double[] Flat(Tensor t) => t.to_type(ScalarType.Float64).data<double>().ToArray();

    public static double[] Flat(double[,] values) => values.Cast<double>().ToArray();

    [Test]
    public void Soft_assignment_matches_the_hand_computed_q()
    {
        using var scope = NewDisposeScope();
        var q = StudentT.SoftAssignment(Points(), Centroids(), alpha: 1);
        Assert.That(Flat(q), Is.EqualTo(Flat(Q)).Within(1e-6));
    }

    [Test]
    public void Soft_assignment_uses_the_degrees_of_freedom()
    {
        // α = 2: kernel (1 + d²/2)^(-3/2); for z1: [1, 1.5^-1.5], normalised.
        using var scope = NewDisposeScope();
        var q = StudentT.SoftAssignment(Points(), Centroids(), alpha: 2);
        var second = Math.Pow(1.5, -1.5);
        Assert.That(Flat(q)[..2], Is.EqualTo(new[] { 1 / (1 + second), second / (1 + second) }).Within(1e-6));
    }

    [Test]
    public void Target_distribution_matches_the_hand_computed_p()
    {
        using var scope = NewDisposeScope();
        var p = StudentT.TargetDistribution(tensor(Q));
        Assert.That(Flat(p), Is.EqualTo(Flat(P)).Within(1e-6));
    }

    [Test]
    public void Target_distribution_sharpens_confident_assignments()
    {
        // Each row's favourite cluster gets more mass in P than in Q: 22/27 > 2/3 and 125/147 > 5/7.
        using var scope = NewDisposeScope();
        var q = tensor(new[,] { { 0.9, 0.1 }, { 0.2, 0.8 }, { 0.7, 0.3 }, { 0.15, 0.85 } });
        var p = StudentT.TargetDistribution(q);
        var favourite = q.argmax(1);
        Assert.That(p.argmax(1).data<long>().ToArray(), Is.EqualTo(favourite.data<long>().ToArray()));
        var gained = p.gather(1, favourite.unsqueeze(1)) - q.gather(1, favourite.unsqueeze(1));
        Assert.That(Flat(gained), Is.All.GreaterThan(0));
        Assert.That(Flat(p.sum(1)), Is.All.EqualTo(1).Within(1e-9));
    }

    [Test]
    public void Kl_divergence_matches_the_hand_computed_value()
    {
        // Row 1: 22/27 ln(11/9) + 5/27 ln(5/9); row 2: 22/147 ln(11/21) + 125/147 ln(25/21); mean of the two ≈ 0.0590.
        using var scope = NewDisposeScope();
        var kl = StudentT.KlDivergence(tensor(P), tensor(Q)).item<double>();
        var row1 = 22.0 / 27 * Math.Log(11.0 / 9) + 5.0 / 27 * Math.Log(5.0 / 9);
        var row2 = 22.0 / 147 * Math.Log(11.0 / 21) + 125.0 / 147 * Math.Log(25.0 / 21);
        Assert.That(kl, Is.EqualTo((row1 + row2) / 2).Within(1e-9));
        Assert.That(kl, Is.EqualTo(Kl(P, Q)).Within(1e-9));
    }

    [Test]
    public void Kl_divergence_takes_the_first_argument_as_the_target()
    {
        using var scope = NewDisposeScope();
        var forward = StudentT.KlDivergence(tensor(P), tensor(Q)).item<double>();
        var reversed = Kl(Q, P);
        Assert.That(Math.Abs(forward - reversed), Is.GreaterThan(1e-3), "KL(P‖Q) and KL(Q‖P) differ on this example");
        Assert.That(forward, Is.EqualTo(Kl(P, Q)).Within(1e-9));
    }

    [Test]
    public void Kl_divergence_of_a_zero_target_entry_is_finite()
    {
        using var scope = NewDisposeScope();
        var kl = StudentT.KlDivergence(tensor(new[,] { { 1.0, 0.0 } }), tensor(new[,] { { 0.5, 0.5 } })).item<double>();
        Assert.That(kl, Is.EqualTo(Math.Log(2)).Within(1e-9));
    }
}
