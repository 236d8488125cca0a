using Taxonomy.Abstractions.Blocks;
using Taxonomy.Abstractions.Registration;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Branches;
using Taxonomy.Blocks.Clustering;
using Taxonomy.Host.Registry;

namespace Taxonomy.Tests.Registry;

[TestFixture]
public sealed class BlockRegistryTests
{
    [Test]
    public void A_block_is_created_from_its_bound_options()
    {
        var registry = new BlockRegistry();
        registry.Add<WeightedUpdater, LossOptions>();
        var descriptor = registry.Find(BlockRole.ClusterUpdater, "weighted");
        var block = (WeightedUpdater)descriptor!.Create(new LossOptions { Weight = 0.25 });
        Assert.That(block.Options.Weight, Is.EqualTo(0.25));
    }

    [Test]
    public void A_block_whose_constructor_asks_for_more_than_its_options_is_refused_when_registered()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new BlockRegistry().Add<KMeansTakingUpdater, BlockOptions>())!;
        Assert.That(error.Message, Is.EqualTo(
            $"{typeof(KMeansTakingUpdater).FullName} needs a public constructor that takes its options (BlockOptions) or nothing; " +
            "a block receives the run's services through the IRunContext its methods are given, not through its constructor."));
    }

    [Test]
    public void A_constructor_that_refuses_its_options_throws_its_own_exception()
    {
        var registry = new BlockRegistry();
        registry.Add<RefusingUpdater, BlockOptions>();
        var descriptor = registry.Find(BlockRole.ClusterUpdater, "refusing");
        Assert.That(() => descriptor!.Create(new BlockOptions()),
            Throws.TypeOf<ArgumentException>().With.Message.EqualTo("not these options"));
    }

    [Test]
    public void The_host_registers_a_block_with_a_factory_that_passes_what_it_alone_holds()
    {
        var kmeans = new KMeans();
        var registry = new BlockRegistry();
        registry.Add<KMeansTakingUpdater, BlockOptions>(options => new KMeansTakingUpdater(options, kmeans));
        var options = new BlockOptions();
        var block = (KMeansTakingUpdater)registry.Find(BlockRole.ClusterUpdater, "kmeans-taking")!.Create(options);
        Assert.That(block.Options, Is.SameAs(options));
        Assert.That(block.KMeans, Is.SameAs(kmeans));
    }

    [Test]
    public void The_catalogue_registers_the_convolution_branches_with_the_platform_choice()
    {
        var registry = BlockCatalogue.Create([], convolutions: new FixedChoice());
        Assert.That(registry.Find(BlockRole.Branch, "conv-autoencoder")!.Create(Defaults<ConvAutoencoderBranch.Options>()),
            Is.TypeOf<ConvAutoencoderBranch>());
        Assert.That(registry.Find(BlockRole.Branch, "cnn-classifier")!.Create(Defaults<CnnClassifierBranch.Options>()),
            Is.TypeOf<CnnClassifierBranch>());
        Assert.That(registry.Find(BlockRole.Branch, "conv-autoencoder")!.Origin, Is.EqualTo("built-in"));
    }

    private static T Defaults<T>() where T : BlockOptions, new()
    {
        var options = new T();
        options.ApplyDefaults();
        return options;
    }

    private sealed class FixedChoice : IConvolutionChoice
    {
        public ConvolutionMethod Method => ConvolutionMethod.Unfold;
    }

    [Block("weighted")]
    public sealed class WeightedUpdater(LossOptions options) : IClusterUpdater
    {
        public LossOptions Options => options;
    }

    [Block("kmeans-taking")]
    public sealed class KMeansTakingUpdater(BlockOptions options, IKMeans kmeans) : IClusterUpdater
    {
        public BlockOptions Options => options;

        public IKMeans KMeans => kmeans;
    }

    [Block("refusing")]
    public sealed class RefusingUpdater : IClusterUpdater
    {
        public RefusingUpdater(BlockOptions options) => throw new ArgumentException("not these options");
    }
}
