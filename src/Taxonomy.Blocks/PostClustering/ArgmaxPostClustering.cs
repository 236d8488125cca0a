using System.ComponentModel;
using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Results;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Clustering;
using Taxonomy.Blocks.ClusteringLosses;

namespace Taxonomy.Blocks.PostClustering;

/// <summary>
/// No re-clustering: each sample takes the cluster of highest soft assignment after training (DEC, IDEC, DCN, DKM
/// report these labels). The Student-t q (DEC) decreases with the distance to a centroid for every α, and so does
/// DKM's softmax(−α‖z − μ‖²); their argmax is the nearest centroid, which is how both are computed. "probabilities"
/// takes the argmax of the branch's own cluster head instead, "mixture" the most responsible component of the cluster
/// state's Gaussian mixture (VaDE).
/// </summary>
[Block("argmax", Summary = "Argmax of the soft assignment after training: Student-t q / nearest centroid, the branch's probabilities, or the mixture's responsibilities.")]
public sealed class ArgmaxPostClustering(ArgmaxPostClustering.Options options) : IPostClustering
{
    public const string StudentT = "student-t";
    public const string NearestCentroid = "nearest-centroid";
    public const string Probabilities = "probabilities";
    public const string Mixture = "mixture";

    private static readonly string[] s_choices = [StudentT, NearestCentroid, Probabilities, Mixture];

    public sealed class Options : BlockOptions
    {
        [Description("student-t: argmax of DEC's Student-t q against the centroids (the default); nearest-centroid: the same labels, " +
                     "named for k-means-style methods; probabilities: argmax of the branch's 'probabilities' output; " +
                     "mixture: the most responsible component of the Gaussian mixture in the cluster state (VaDE).")]
        public string Of { get; set; } = StudentT;

        public override IEnumerable<(string Option, string Message)> Validate()
        {
            if (!s_choices.Contains(Of))
            {
                yield return ("of", $"'{Of}' is not one of: {string.Join(", ", s_choices)}");
            }
        }
    }

    private double _alpha = 1.0;

    public IReadOnlyCollection<StateKey> Requires { get; } = options.Of switch
    {
        Probabilities => [],
        Mixture => DiagonalMixture.Keys,
        _ => [ClusterStateKeys.Centroids],
    };

    public IReadOnlyList<string> RequiredLayers { get; } = options.Of == Probabilities ? [Layers.Probabilities] : [];

    /// <summary>The soft assignments of "student-t" use the kernel of the method's loss or updater (α = 1 without one).</summary>
    public void CheckComposition(Composition composition) =>
        _alpha = (composition.ClusteringLoss as IStudentTKernel ?? composition.ClusterUpdater as IStudentTKernel)?.Alpha ?? 1.0;

    /// <summary>Labels and soft assignments: q (student-t), the head's probabilities, or the mixture's responsibilities.</summary>
    public ClusteringResult Cluster(IRunContext run)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        torch.Tensor labels;
        torch.Tensor? probabilities;
        switch (options.Of)
        {
            case Probabilities:
                probabilities = run.LayerOfAll(Layers.Probabilities);
                labels = probabilities.argmax(1);
                break;
            case Mixture:
                var (means, logVariances, logWeights) = DiagonalMixture.Of(run.State, Describe);
                var logResponsibilities = DiagonalMixture.LogResponsibilities(run.FeaturesOfAll(), means, logVariances, logWeights);
                labels = logResponsibilities.argmax(1);
                probabilities = logResponsibilities.exp();
                break;
            default:
                var features = run.FeaturesOfAll();
                var centroids = run.State.Require(ClusterStateKeys.Centroids, Describe);
                labels = KMeans.AssignNearest(features, centroids);
                probabilities = options.Of == StudentT ? ClusteringLosses.StudentT.SoftAssignment(features, centroids, _alpha) : null;
                break;
        }
        var clusters = (int)(probabilities?.shape[1] ?? run.State.Require(ClusterStateKeys.Centroids, Describe).shape[0]);
        return new Partition(labels.to(torch.int32).data<int>().ToArray(), clusters,
            probabilities?.to(torch.float32).contiguous().data<float>().ToArray());
    }

    private string Describe => $"argmax of '{options.Of}'";
}
