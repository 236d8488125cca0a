using Taxonomy.Abstractions.Registration;
using Taxonomy.Blocks.Branches;
using Taxonomy.Blocks.ClusteringLosses;
using Taxonomy.Blocks.ClusterUpdates;
using Taxonomy.Blocks.Features;
using Taxonomy.Blocks.NonClusteringLosses;
using Taxonomy.Blocks.PostClustering;
using Taxonomy.Blocks.Preprocessing;
using Taxonomy.Blocks.Schedules;

namespace Taxonomy.Blocks;

/// <summary>The catalogue of built-in blocks, one line each, grouped by the taxonomy's columns.</summary>
public static class BuiltInBlocks
{
    public static void Register(IBlockRegistry blocks)
    {
        // Preprocessing
        blocks.Add<UnitScalePreprocessor, UnitScalePreprocessor.Options>()
              .Add<StandardizePreprocessor, BlockOptions>()
              .Add<FlattenPreprocessor, BlockOptions>()
              .Add<ReshapePreprocessor, ReshapePreprocessor.Options>()
              .Add<HogPreprocessor, HogPreprocessor.Options>()
              .Add<HsvHistogramPreprocessor, HsvHistogramPreprocessor.Options>()
              .Add<ConcatPreprocessor, ConcatPreprocessor.Options>();

        // Architecture (branches). The convolution branches (ConvAutoencoderBranch, CnnClassifierBranch) also take the
        // host's IConvolutionChoice, so the host registers them with it (Taxonomy.Host's BlockCatalogue).
        blocks.Add<MlpAutoencoderBranch, MlpAutoencoderBranch.Options>()
              .Add<MlpVaeBranch, MlpAutoencoderBranch.Options>()
              .Add<MlpClassifierBranch, MlpClassifierBranch.Options>();

        // Features for clustering
        blocks.Add<EmbeddingFeatureSelector, EmbeddingFeatureSelector.Options>()
              .Add<ConcatenatedLayersFeatureSelector, ConcatenatedLayersFeatureSelector.Options>();

        // Non-clustering losses
        blocks.Add<ReconstructionLoss, ReconstructionLoss.Options>()
              .Add<NoNonClusteringLoss, BlockOptions>()
              .Add<SelfAugmentationLoss, SelfAugmentationLoss.Options>()
              .Add<RotationPredictionLoss, RotationPredictionLoss.Options>()
              .Add<AdversarialLoss, AdversarialLoss.Options>();

        // Clustering losses
        blocks.Add<NoClusteringLoss, BlockOptions>()
              .Add<ClusterHardeningLoss, ClusterHardeningLoss.Options>()
              .Add<KMeansLoss, LossOptions>()
              .Add<ClusterClassificationLoss, ClusterClassificationLoss.Options>()
              .Add<LocalitySparsityLoss, LocalitySparsityLoss.Options>()
              .Add<SoftKMeansLoss, SoftKMeansLoss.Options>()
              .Add<MixturePriorLoss, LossOptions>()
              .Add<InformationMaximisationLoss, InformationMaximisationLoss.Options>()
              .Add<DacPairwiseLoss, DacPairwiseLoss.Options>()
              .Add<AgglomerativeTripletLoss, AgglomerativeTripletLoss.Options>()
              .Add<DipDeckLoss, PerInputFeatureLossOptions>()
              .Add<DeepEctLoss, LossOptions>()
              .Add<EnrcLoss, LossOptions>();

        // Combining the losses (schedules)
        blocks.Add<PretrainSchedule, PretrainSchedule.Options>()
              .Add<PretrainThenFinetuneSchedule, TwoPhaseScheduleOptions>()
              .Add<PretrainThenJointSchedule, TwoPhaseScheduleOptions>()
              .Add<RampSchedule, RampSchedule.Options>();

        // Cluster updates
        blocks.Add<NoClusterUpdater, BlockOptions>()
              .Add<KMeansInitUpdater, KMeansInitUpdater.Options>()
              .Add<TargetDistributionUpdater, TargetDistributionUpdater.Options>()
              .Add<DcnAlternatingUpdater, DcnAlternatingUpdater.Options>()
              .Add<DacThresholdsUpdater, DacThresholdsUpdater.Options>()
              .Add<AgglomerativeMergeUpdater, AgglomerativeMergeUpdater.Options>()
              .Add<KMeansHeadInitUpdater, KMeansHeadInitUpdater.Options>()
              .Add<MixtureInitUpdater, MixtureInitUpdater.Options>()
              .Add<DipDeckUpdater, DipDeckUpdater.Options>()
              .Add<DeepEctTreeUpdater, DeepEctTreeUpdater.Options>()
              .Add<EnrcUpdater, EnrcUpdater.Options>();

        // Re-clustering after training
        blocks.Add<KMeansPostClustering, KMeansPostClustering.Options>()
              .Add<ArgmaxPostClustering, ArgmaxPostClustering.Options>()
              .Add<AgglomerativePostClustering, AgglomerativePostClustering.Options>()
              .Add<TsneKMeansPostClustering, TsneKMeansPostClustering.Options>()
              .Add<EstimatedCentroidsPostClustering, BlockOptions>()
              .Add<ClusterTreePostClustering, BlockOptions>()
              .Add<EnrcViewsPostClustering, BlockOptions>();
    }
}
