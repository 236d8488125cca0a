using System.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;
using Taxonomy.Abstractions.Training;
using Taxonomy.Blocks.Metrics;
using Taxonomy.Host.Composition;
using Taxonomy.Host.Manifest;
using Taxonomy.Host.Platform;

namespace Taxonomy.Host.Training;

/// <summary>
/// The one training loop of every method. Phases come from the schedule; per batch: branch → features →
/// weighted losses → step, with the updater's hooks around it. Each step runs in its own dispose scope.
/// </summary>
/// <param name="platform">Told after every epoch (the C heap hands its free pages back).</param>
/// <param name="epochLimit">Caps every phase's epochs (bench, a quick table; the cache is then left alone); null trains the schedule's full length.</param>
/// <param name="observer">Told after every epoch, and asked before every batch whether to stop (cancellation).</param>
public sealed class Trainer(Pipeline pipeline, RunContext run, RunSettings settings, IPlatform platform,
    PretrainingCache? cache = null, int? epochLimit = null, TrainingObserver? observer = null)
{
    private long _globalIteration;
    private string? _saveAfterPretraining;
    private long _peakWorkingSet;

    public IReadOnlyList<PhaseReport> Train()
    {
        var reports = new List<PhaseReport>();
        var phases = pipeline.Schedule.Phases;
        for (var i = 0; i < phases.Count; i++)
        {
            run.Random.StartPhase(i);
            if (phases[i].Epochs > 0)
            {
                reports.Add(CachedPhase(phases[i], i) ?? RunPhase(phases[i], i));
            }
        }
        pipeline.Branch.Module.eval();
        return reports;
    }

    /// <summary>The opening pre-training phase, loaded from the cache when it holds it; null when it must be trained.</summary>
    private PhaseReport? CachedPhase(Phase phase, int phaseIndex)
    {
        if (cache is null || phaseIndex != 0 || PretrainingCache.CacheablePhase(pipeline.Schedule.Phases, epochLimit) is null)
        {
            return null;
        }
        if (cache.PathFor(pipeline.Method, phase, settings.Optimizer.For(phase.OptimizerKey)) is not { } path)
        {
            run.Log($"[{phase.Name}] not cached: the data source cannot be read ahead to key the cache by its contents");
            return null;
        }
        if (!PretrainingCache.TryLoad(pipeline.Branch.Module, path, out var damage))
        {
            if (damage is not null)
            {
                run.Log($"[{phase.Name}] cache entry {path} is damaged ({damage}); training afresh");
            }
            _saveAfterPretraining = path;
            return null;
        }
        run.Log($"[{phase.Name}] loaded from the pre-training cache: {path}");
        return new PhaseReport(phase.Name, phase.Epochs, 0, 0, 0, 0, false, path);
    }

    /// <summary>Stores a complete pre-training; a cache that fails now costs the next run its time, never this run its result.</summary>
    private void SaveToCache(Phase phase, string path)
    {
        try
        {
            run.Log(cache!.TryStore(pipeline.Branch.Module, path)
                ? $"[{phase.Name}] saved to the pre-training cache: {path}"
                : $"[{phase.Name}] not saved to the pre-training cache: another run is saving the same entry");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            run.Log($"[{phase.Name}] could not save to the pre-training cache ({e.Message.TrimEnd('.')}); the run goes on");
        }
    }

    private PhaseReport RunPhase(Phase phase, int phaseIndex)
    {
        var optimizerSettings = settings.Optimizer.For(phase.OptimizerKey);
        var n = run.Data.Count;
        var batchSize = Math.Min(optimizerSettings.BatchSize, n);
        var batches = (int)Math.Ceiling((double)n / batchSize);
        // A last batch of one sample breaks batch normalisation and adds only noise: fold it away.
        if (batches > 1 && n % batchSize == 1)
        {
            batches--;
        }
        run.Progress = Progress(phase, phaseIndex, 0, batches, 0);
        run.Log($"[{phase.Name}] {phase.Epochs} epochs, {batches} batches of {batchSize}, {optimizerSettings}");

        var clock = Stopwatch.StartNew();
        pipeline.ClusterUpdater.OnPhaseStart(run);
        using var optimizer = OptimizerFactory.Create(optimizerSettings, TrainableParameters());
        var decay = optimizerSettings.Decays
            ? torch.optim.lr_scheduler.StepLR(optimizer, optimizerSettings.DecayEvery, optimizerSettings.Decay)
            : null;
        pipeline.Branch.Module.train();

        long iteration = 0;
        var epochsRun = 0;
        var stopped = false;
        var epochs = Math.Min(phase.Epochs, epochLimit ?? int.MaxValue);
        var records = new List<EpochRecord>();
        for (var epoch = 0; epoch < epochs && !stopped; epoch++)
        {
            var epochClock = Stopwatch.StartNew();
            var sums = new LossSums();
            using (var order = torch.randperm(n, generator: run.Random.Torch))
            {
                for (var b = 0; b < batches && !stopped; b++)
                {
                    observer?.Cancellation.ThrowIfCancellationRequested();
                    run.Progress = Progress(phase, phaseIndex, epoch, batches, iteration);
                    var start = (long)b * batchSize;
                    var length = b == batches - 1 ? n - start : batchSize;
                    stopped = Step(optimizer, order, start, length, sums, epoch, b);
                    if (!stopped)
                    {
                        iteration++;
                        _globalIteration++;
                        observer?.Batches?.Report(new BatchReport(phase.Name, epoch + 1, epochs, b + 1, batches, length));
                    }
                }
            }
            if (sums.Batches == 0)
            {
                break;   // the updater ended the phase before this epoch's first step: no epoch to count or log
            }
            epochsRun++;
            run.Progress = Progress(phase, phaseIndex, epoch, batches, iteration);
            stopped |= pipeline.ClusterUpdater.OnEpochEnd(run) == UpdateOutcome.StopPhase;
            decay?.step();
            var metrics = LogEpoch(phase, epoch, sums, epochClock.Elapsed.TotalSeconds);
            records.Add(new EpochRecord(epoch + 1, sums.Mean(sums.NonClustering), sums.Mean(sums.Clustering), epochClock.Elapsed.TotalSeconds)
            {
                Acc = metrics?.Accuracy,
                Nmi = metrics?.Nmi,
            });
            observer?.Progress?.Report(new EpochReport(phase.Name, epoch + 1, epochs, sums.Mean(sums.NonClustering),
                sums.Mean(sums.Clustering), epochClock.Elapsed.TotalSeconds));
            platform.AfterEpoch();
            _peakWorkingSet = Math.Max(_peakWorkingSet, Environment.WorkingSet);
        }
        clock.Stop();
        // Only a complete pre-training is cached: one an updater stopped early is not what the key describes.
        if (_saveAfterPretraining is { } cachePath && epochsRun == phase.Epochs)
        {
            SaveToCache(phase, cachePath);
        }
        _saveAfterPretraining = null;
        if (stopped)
        {
            run.Log($"[{phase.Name}] stopped by {pipeline.Describe(pipeline.ClusterUpdater)} after {epochsRun} epochs");
        }
        var seconds = clock.Elapsed.TotalSeconds;
        var samples = (double)Math.Min(iteration * batchSize, (long)epochsRun * n);
        var peak = _peakWorkingSet;
        _peakWorkingSet = 0;
        return new PhaseReport(phase.Name, phase.Epochs, epochsRun, iteration, seconds, samples / Math.Max(seconds, 1e-9), stopped)
        {
            PeakWorkingSetBytes = peak,
            Epochs = records,
        };
    }

    /// <summary>
    /// loss × factor with the native scalar disposed only after the multiply returns. With an implicit double → Scalar
    /// conversion nothing references the Scalar during the native call, so only the GC decides when it is freed.
    /// </summary>
    private static torch.Tensor Weighted(torch.Tensor loss, double factor)
    {
        using var scalar = factor.ToScalar();
        return loss.mul(scalar);
    }

    /// <summary>One optimiser step on one batch. Returns true when an updater ends the phase.</summary>
    private bool Step(torch.optim.Optimizer optimizer, torch.Tensor order, long start, long length, LossSums sums,
        int epoch, int batchNumber)
    {
        using var scope = torch.NewDisposeScope();
        var indices = order.narrow(0, start, length);
        var batch = new Batch(run.Data.Features.index_select(0, indices), indices);
        if (pipeline.ClusterUpdater.OnBatchStart(run, batch) == UpdateOutcome.StopPhase)
        {
            return true;
        }
        var weights = pipeline.Schedule.WeightsAt(run.Progress);
        var useNonClustering = weights.NonClustering > 0 && pipeline.NonClusteringLoss.Contributes;
        var useClustering = weights.Clustering > 0 && pipeline.ClusteringLoss.Contributes;

        optimizer.zero_grad();
        var required = RequiredLayers(useNonClustering, useClustering);
        // A loss that runs the branch itself (augmented reconstruction, rotation prediction) needs no clean pass.
        var outputs = required.Count == 0 && !useClustering
            ? new BranchOutput()
            : pipeline.Branch.Forward(batch.Inputs, required);
        var step = new StepInput(batch, outputs, run);
        torch.Tensor? total = null;
        if (useNonClustering)
        {
            var loss = pipeline.NonClusteringLoss.Compute(step);
            sums.NonClustering += Checked(loss, "non-clustering", epoch, batchNumber);
            total = Weighted(loss, weights.NonClustering * pipeline.NonClusteringLoss.Weight);
        }
        if (useClustering)
        {
            var loss = pipeline.ClusteringLoss.Compute(step);
            sums.Clustering += Checked(loss, "clustering", epoch, batchNumber);
            var weighted = Weighted(loss, weights.Clustering * pipeline.ClusteringLoss.Weight);
            total = total is null ? weighted : total + weighted;
        }
        if (total is not null && total.requires_grad)
        {
            total.backward();
            optimizer.step();
        }
        sums.Batches++;
        using (torch.no_grad())
        {
            pipeline.ClusterUpdater.OnBatchEnd(run, step);
        }
        return false;
    }

    private HashSet<string> RequiredLayers(bool nonClustering, bool clustering)
    {
        var required = new HashSet<string>();
        if (nonClustering)
        {
            required.UnionWith(pipeline.NonClusteringLoss.RequiredLayers);
        }
        if (clustering)
        {
            required.UnionWith(pipeline.FeatureSelector.RequiredLayers);
            required.UnionWith(pipeline.ClusteringLoss.RequiredLayers);
        }
        return required;
    }

    private double Checked(torch.Tensor loss, string which, int epoch, int batch)
    {
        var value = loss.item<float>();
        if (!float.IsFinite(value))
        {
            throw new TrainingException(
                $"phase '{run.Progress.Phase.Name}', epoch {epoch + 1}, batch {batch + 1}: the {which} loss " +
                $"({pipeline.Describe(which == "clustering" ? pipeline.ClusteringLoss : pipeline.NonClusteringLoss)}) " +
                $"is {value}. Lower optimizer.learningRate, check the preprocessing, or the loss's options.");
        }
        return value;
    }

    private IEnumerable<Parameter> TrainableParameters()
    {
        var parameters = pipeline.Branch.Module.parameters().Concat(pipeline.NonClusteringLoss.Parameters)
            .Concat(pipeline.ClusteringLoss.Parameters).Concat(run.State.TrainableParameters);
        return parameters.Where(p => p.requires_grad).ToList();
    }

    private TrainingProgress Progress(Phase phase, int index, int epoch, int batches, long iteration) => new()
    {
        Phase = phase,
        PhaseIndex = index,
        Epoch = epoch,
        BatchesPerEpoch = batches,
        Iteration = iteration,
        GlobalIteration = _globalIteration,
    };

    /// <summary>Logs the epoch's line; returns the metrics of its quick assignments when they were measured.</summary>
    private MetricSet? LogEpoch(Phase phase, int epoch, LossSums sums, double seconds)
    {
        MetricSet? metrics = null;
        var line = $"[{phase.Name}] epoch {epoch + 1,4}/{phase.Epochs}  loss {sums.Mean(sums.NonClustering + sums.Clustering),10:F6}";
        if (sums.NonClustering != 0 && sums.Clustering != 0)
        {
            line += $" (non-clustering {sums.Mean(sums.NonClustering):F6}, clustering {sums.Mean(sums.Clustering):F6})";
        }
        line += $"  {seconds,6:F2} s  {run.Data.Count / Math.Max(seconds, 1e-9),8:F0} samples/s";
        var every = settings.Log.MetricsEvery;
        if (run.Data.Labels is { } labels && every > 0 && ((epoch + 1) % every == 0 || epoch + 1 == phase.Epochs))
        {
            var quick = Evaluation.Assign(run, pipeline.PostClustering.RequiredLayers);
            metrics = MetricSet.Compute(labels, quick.Labels);
            line += $"  [{quick.Source}] {metrics}";
        }
        line += $"  rss {Environment.WorkingSet / (1 << 20)} MB";
        run.Log(line);
        return metrics;
    }

    private sealed class LossSums
    {
        public double NonClustering;
        public double Clustering;
        public int Batches;

        public double Mean(double sum) => Batches == 0 ? 0 : sum / Batches;
    }
}
