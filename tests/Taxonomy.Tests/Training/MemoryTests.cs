using TorchSharp;
using Taxonomy.Host.Manifest;
using Taxonomy.Host.Running;
using Taxonomy.Tests.TestSupport;

namespace Taxonomy.Tests.Training;

[TestFixture]
public sealed class MemoryTests
{
    /// <summary>Tensors still alive on this thread after a whole run, over what was alive before it.</summary>
    private static long TensorsLeftAfter(int epochs)
    {
        var services = Manifests.Services();
        var manifest = Manifests.AeKMeans();
        manifest["log"]!["metricsEvery"] = 1;  // the per-epoch evaluation must not leak either
        var method = services.Loader.Load(ManifestDocument.Parse(manifest.ToJsonString(), Manifests.File), [$"schedule.epochs={epochs}"]);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Manifests.Runner(TextWriter.Null).Run(method);
        return DisposeScopeManager.Statistics.ThreadTotalLiveCount - before;
    }

    [Test]
    public void A_run_leaves_no_tensors_behind_however_long_it_trains()
    {
        var shortRun = TensorsLeftAfter(epochs: 2);
        var longRun = TensorsLeftAfter(epochs: 12);
        TestContext.Out.WriteLine($"tensors left: {shortRun} after 2 epochs, {longRun} after 12");
        Assert.That(longRun, Is.EqualTo(shortRun), "tensors left over must not grow with training steps");
        Assert.That(longRun, Is.LessThanOrEqualTo(0), "everything a run creates is disposed by its end");
    }
}
