using Taxonomy.Host.Manifest;
using Taxonomy.Host.Running;
using Taxonomy.Host.Training;
using Taxonomy.Tests.TestSupport;

namespace Taxonomy.Tests.Training;

[TestFixture]
public sealed class LearningRateDecayTests
{
    [Test]
    public void A_phase_takes_its_own_decay_over_the_defaults_and_a_constant_rate_keeps_the_old_description()
    {
        var options = new OptimizerOptions
        {
            LearningRate = 0.001,
            Phases = { ["clustering"] = new OptimizerSettings { LearningRate = 0.002, Decay = 0.9, DecayEvery = 10 } },
        };
        var clustering = options.For("clustering");
        Assert.That((clustering.Decay, clustering.DecayEvery, clustering.Decays), Is.EqualTo((0.9, 10, true)));
        Assert.That(clustering.ToString(), Is.EqualTo("adam lr 0.002 batch 256 decay 0.9 every 10 epochs"));
        // The description is part of the pre-training cache key: without decay it must read as before decay existed.
        Assert.That(options.For("pretrain").Decays, Is.False);
        Assert.That(options.For("pretrain").ToString(), Is.EqualTo("adam lr 0.001 batch 256"));
    }

    [Test]
    public void A_rate_decayed_to_zero_freezes_the_network_after_the_first_epoch()
    {
        byte[] WeightsAfter(int epochs, string decay)
        {
            var file = Path.Combine(Path.GetTempPath(), $"taxonomy-decay-{Guid.NewGuid():N}.pt");
            try
            {
                var services = Manifests.Services();
                var method = Manifests.Load(Manifests.AeKMeans(), $"schedule.epochs={epochs}", "optimizer.decayEvery=1",
                    $"optimizer.decay={decay}", "pretrainingCache=false");
                Manifests.Runner(TextWriter.Null).Run(method, saveBranchTo: file);
                return File.ReadAllBytes(file);
            }
            finally
            {
                File.Delete(file);
                File.Delete(BranchWeights.SidecarOf(file));
            }
        }
        Assert.That(WeightsAfter(3, "0"), Is.EqualTo(WeightsAfter(1, "0")), "lr × 0 after epoch 1: no step moves the weights");
        Assert.That(WeightsAfter(3, "1"), Is.Not.EqualTo(WeightsAfter(1, "1")), "a constant rate keeps training");
    }
}
