using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Taxonomy.Host.Output;

/// <summary>
/// The folder a run writes (--out), as a transaction. The run writes into a temporary folder beside it,
/// <c>.NAME.partial-PID-RANDOM</c>, which <see cref="Commit"/> swaps in only once complete: until then the previous
/// run stays as it was, and a failed or interrupted run leaves nothing. A lock file beside it, <c>.NAME.lock</c>
/// (holding the owner's pid and start time), keeps a second run out while the first is alive.
/// </summary>
/// <remarks>
/// Rules: --out must be a folder path the user can write beside; an existing --out may hold only a run's outputs
/// (<see cref="RunWriter.Outputs"/>), since the swap replaces the whole folder and nothing else may be lost with it.
/// Leftovers of killed runs (temporary folders, a previous run moved aside for the swap) are cleaned up, or put back,
/// by the next run into the same --out.
/// </remarks>
public sealed class RunFolder : IDisposable
{
    private readonly string _given;
    private readonly RunLock _lock;
    private readonly List<string> _createdParents;
    private readonly TextWriter _log;
    private readonly Lock _gate = new();
    private readonly PosixSignalRegistration[] _signals;
    private bool _committed;
    private bool _ended;

    /// <summary>The folder the finished run ends up in (symbolic links resolved).</summary>
    public string Target { get; }

    /// <summary>Where the run writes its files until <see cref="Commit"/>.</summary>
    public string Staging { get; }

    private RunFolder(string given, string target, List<string> createdParents, TextWriter log)
    {
        (_given, Target, _createdParents, _log) = (given, target, createdParents, log);
        var parent = Path.GetDirectoryName(target)!;
        _lock = RunLock.Take(Path.Combine(parent, Hidden(target, "lock")), given, Holder, log);
        try
        {
            CleanUpAfterKilledRuns();
            CheckHoldsOnlyRunOutputs();
            Staging = Path.Combine(parent, Hidden(target, $"partial-{Environment.ProcessId}-{Random.Shared.Next():x8}"));
            Directory.CreateDirectory(Staging);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _lock.Dispose();
            throw new RunFolderException($"--out '{_given}': {e.Message}", e);
        }
        catch
        {
            _lock.Dispose();
            throw;
        }
        // Ctrl+C or kill: the process ends without unwinding, so the temporary folder and the lock go here.
        _signals = [.. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP }
            .Select(signal => PosixSignalRegistration.Create(signal, OnSignal))];
    }

    /// <summary>
    /// Checks --out (before any data is read), takes its lock, cleans up after killed runs and creates the temporary
    /// folder. Throws <see cref="RunFolderException"/> naming --out and the path.
    /// </summary>
    public static RunFolder Open(string? path, TextWriter log)
    {
        var target = OutPath.Resolve(path);
        var created = OutPath.CreateParents(path!, target);
        try
        {
            return new RunFolder(path!, target, created, log);
        }
        catch
        {
            OutPath.RemoveEmpty(created);
            throw;
        }
    }

    /// <summary>Swaps the complete run in: the previous one (if any) is moved aside, then deleted.</summary>
    public void Commit()
    {
        lock (_gate)
        {
            if (_ended)
            {
                throw new RunFolderException($"--out '{_given}': the run was interrupted before its results were kept.");
            }
            var previous = Directory.Exists(Target)
                ? Path.Combine(Path.GetDirectoryName(Target)!, Hidden(Target, $"previous-{Environment.ProcessId}-{Random.Shared.Next():x8}"))
                : null;
            try
            {
                if (previous is not null)
                {
                    Directory.Move(Target, previous);
                }
                Directory.Move(Staging, Target);
                _committed = true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                if (previous is not null && Directory.Exists(previous) && !Directory.Exists(Target))
                {
                    Directory.Move(previous, Target);
                }
                throw new RunFolderException($"--out '{_given}': could not put the finished run in place: {e.Message}", e);
            }
            if (previous is not null)
            {
                TryDelete(previous);
            }
        }
    }

    /// <summary>Ends the transaction: an uncommitted run's temporary folder is deleted; the lock is released.</summary>
    public void Dispose()
    {
        foreach (var signal in _signals)
        {
            signal.Dispose();
        }
        lock (_gate)
        {
            End();
        }
    }

    private void OnSignal(PosixSignalContext context)
    {
        lock (_gate)
        {
            if (_ended)
            {
                return;
            }
            var kept = _committed ? "the finished run is in place" : "nothing of this run was kept, the previous contents are untouched";
            End();
            Console.Error.WriteLine($"error: interrupted by {context.Signal}; --out '{_given}': {kept}.");
        }
    }

    private void End()
    {
        if (_ended)
        {
            return;
        }
        _ended = true;
        if (!_committed)
        {
            TryDelete(Staging);
        }
        _lock.Dispose();
        if (!_committed && !Directory.Exists(Target))
        {
            OutPath.RemoveEmpty(_createdParents);
        }
    }

    /// <summary>" (pid N, started T)" of the live run that holds the lock, read from its temporary folder's name.</summary>
    private string Holder()
    {
        foreach (var folder in Siblings("partial-"))
        {
            var pid = Path.GetFileName(folder).Split('-')[^2];
            if (int.TryParse(pid, out var id) && Alive(id) is { } started)
            {
                return $" (pid {id}, started {started.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC)";
            }
        }
        return "";
    }

    private static DateTime? Alive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.StartTime;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>
    /// With the lock held, no other run is using this --out: temporary folders are a killed run's and go; a previous
    /// run moved aside by a swap that was killed halfway is put back when --out is missing, else it goes too.
    /// </summary>
    private void CleanUpAfterKilledRuns()
    {
        foreach (var partial in Siblings("partial-"))
        {
            Directory.Delete(partial, recursive: true);
            _log.WriteLine($"--out '{_given}': removed '{Path.GetFileName(partial)}', left by a run that did not finish.");
        }
        foreach (var previous in Siblings("previous-"))
        {
            if (Directory.Exists(Target))
            {
                Directory.Delete(previous, recursive: true);
            }
            else
            {
                Directory.Move(previous, Target);
                _log.WriteLine($"--out '{_given}': put back the previous run, which a run killed while swapping had moved aside.");
            }
        }
    }

    private void CheckHoldsOnlyRunOutputs()
    {
        if (!Directory.Exists(Target))
        {
            return;
        }
        var foreign = Directory.EnumerateFileSystemEntries(Target).Select(Path.GetFileName)
            .FirstOrDefault(name => Directory.Exists(Path.Combine(Target, name!)) ? !RunWriter.IsOutputFolder(name!) : !RunWriter.IsOutput(name!));
        if (foreign is not null)
        {
            throw new RunFolderException(
                $"--out '{_given}' holds '{foreign}', which is not a run's output; a run replaces the whole folder, " +
                "so choose an empty or new folder, or move it out.");
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the next run into this --out, which removes it (CleanUpAfterKilledRuns).
        }
    }

    /// <summary>The folders beside --out named ".NAME.KIND…" (compared as text: NAME may hold '*' or '?').</summary>
    private List<string> Siblings(string kind) =>
        [.. Directory.EnumerateDirectories(Path.GetDirectoryName(Target)!)
            .Where(folder => Path.GetFileName(folder).StartsWith(Hidden(Target, kind), StringComparison.Ordinal))];

    /// <summary>".NAME.what", a hidden sibling of <paramref name="target"/>.</summary>
    private static string Hidden(string target, string what) => $".{Path.GetFileName(target)}.{what}";

}
