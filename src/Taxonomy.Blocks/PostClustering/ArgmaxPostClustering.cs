using System.ComponentModel;
using TorchSharp;
using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Clustering;

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

    private bool UsesCentroids => options.Of != Probabilities;

    private ClusterStateParts Needs => options.Of == Mixture
        ? ClusterStateParts.Centroids | ClusterStateParts.Mixture
        : ClusterStateParts.Centroids;

    public IReadOnlyList<string> RequiredLayers { get; } = options.Of == Probabilities ? [Layers.Probabilities] : [];

    public void CheckComposition(Composition composition) =>
        composition.Require(this, !UsesCentroids || composition.ClusterUpdater.Provides.HasFlag(Needs),
            $"postClustering.of '{options.Of}' needs {Needs} in the cluster state, which " +
            $"{composition.Describe(composition.ClusterUpdater)} does not provide; use a clusterUpdater that keeps " +
            "centroids (e.g. 'kmeans-init') or postClustering 'kmeans'");

    public int[] Assign(IRunContext run)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var labels = options.Of switch
        {
            Probabilities => run.LayerOfAll(Layers.Probabilities).argmax(1),
            Mixture => DiagonalMixture.JointLogDensities(run.FeaturesOfAll(), Centroids(run),
                run.State.MixtureLogVariances ?? throw Missing("mixture"),
                run.State.MixtureLogWeights ?? throw Missing("mixture")).argmax(1),
            _ => KMeans.AssignNearest(run.FeaturesOfAll(), Centroids(run)),
        };
        return labels.to(torch.int32).data<int>().ToArray();
    }

    private torch.Tensor Centroids(IRunContext run) => run.State.Centroids ?? throw Missing("centroids");

    private InvalidOperationException Missing(string part) =>
        new($"argmax of '{options.Of}': the cluster state has no {part} after training.");
}
