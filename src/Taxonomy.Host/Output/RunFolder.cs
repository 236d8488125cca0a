using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

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
    /// <summary>NAME_MAX of Linux file systems, in bytes.</summary>
    private const int NameMax = 255;
    private const int PathMax = 4095;
    /// <summary>Room for ".", ".partial-PID-RANDOM" around the folder's name in its temporary folder's.</summary>
    private const int SuffixRoom = 32;
    /// <summary>EWOULDBLOCK, the error (as HResult) of opening a file that another process holds with FileShare.None.</summary>
    private const int HeldByAnother = 11;

    private readonly string _given;
    private readonly string _lockPath;
    private readonly FileStream _lock;
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
        _lockPath = Path.Combine(parent, Hidden(target, "lock"));
        _lock = TakeLock();
        try
        {
            CleanUpAfterKilledRuns();
            CheckHoldsOnlyRunOutputs();
            Staging = Path.Combine(parent, Hidden(target, $"partial-{Environment.ProcessId}-{Random.Shared.Next():x8}"));
            Directory.CreateDirectory(Staging);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Release();
            throw new RunFolderException($"--out '{_given}': {e.Message}", e);
        }
        catch
        {
            Release();
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
        var target = Checked(path);
        var created = CreateParents(path!, target);
        try
        {
            return new RunFolder(path!, target, created, log);
        }
        catch
        {
            RemoveEmpty(created);
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
        Release();
        if (!_committed && !Directory.Exists(Target))
        {
            RemoveEmpty(_createdParents);
        }
    }

    private void Release()
    {
        try
        {
            // Deleted while still held, so that no other run locks the file this one is about to let go of.
            File.Delete(_lockPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left behind, it is taken over by the next run: the kernel drops the lock itself with the handle.
        }
        _lock.Dispose();
    }

    /// <summary>
    /// The lock is an exclusive flock (FileShare.None) on the lock file, which the kernel drops when its holder dies,
    /// however it dies; a file left by a killed run is simply taken over.
    /// </summary>
    private FileStream TakeLock()
    {
        FileStream stream;
        try
        {
            stream = new FileStream(_lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (e.HResult == HeldByAnother)
        {
            throw new RunFolderException($"--out '{_given}' is in use by another run{Holder()}; wait for it to end or choose another --out.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunFolderException($"--out '{_given}': cannot write in '{Path.GetDirectoryName(_lockPath)}': {e.Message}", e);
        }
        var left = new StreamReader(stream, leaveOpen: true).ReadToEnd().Trim();
        if (left.Length > 0)
        {
            _log.WriteLine($"--out '{_given}': took over the lock left by a run that is no longer running ({left}).");
        }
        stream.SetLength(0);
        stream.Write(Encoding.UTF8.GetBytes(
            $"pid {Environment.ProcessId} started {Process.GetCurrentProcess().StartTime.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ}\n"));
        stream.Flush();
        return stream;
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
            .FirstOrDefault(name => !RunWriter.IsOutput(name!) || Directory.Exists(Path.Combine(Target, name!)));
        if (foreign is not null)
        {
            throw new RunFolderException(
                $"--out '{_given}' holds '{foreign}', which is not a run's output; a run replaces the whole folder, " +
                "so choose an empty or new folder, or move it out.");
        }
    }

    /// <summary>The absolute folder --out names, after every check that needs no writing.</summary>
    private static string Checked(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new RunFolderException("--out: the path is empty; give a folder, e.g. --out runs/mine.");
        }
        if (path.Contains('\0'))
        {
            throw new RunFolderException($"--out '{path.Replace("\0", "\\0")}': the path contains a NUL character.");
        }
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        var name = Path.GetFileName(full);
        if (name.Length == 0 || name is "." or "..")
        {
            throw new RunFolderException($"--out '{path}': a run needs a folder with a name of its own, not '{full}'.");
        }
        if (Encoding.UTF8.GetByteCount(full) + SuffixRoom > PathMax)
        {
            throw new RunFolderException($"--out '{Shortened(path)}': the path is {Encoding.UTF8.GetByteCount(full)} bytes long; " +
                                         $"at most {PathMax - SuffixRoom} are possible.");
        }
        if (full.Split(Path.DirectorySeparatorChar).FirstOrDefault(part => Encoding.UTF8.GetByteCount(part) > NameMax) is { } part)
        {
            throw new RunFolderException($"--out '{Shortened(path)}': the name '{Shortened(part)}' is longer than {NameMax} bytes.");
        }
        if (Encoding.UTF8.GetByteCount(name) + SuffixRoom > NameMax)
        {
            throw new RunFolderException($"--out '{Shortened(path)}': the folder name is {Encoding.UTF8.GetByteCount(name)} bytes long; " +
                                         $"at most {NameMax - SuffixRoom} are possible (its temporary folder adds a suffix).");
        }
        for (var ancestor = Path.GetDirectoryName(full); ancestor is not null; ancestor = Path.GetDirectoryName(ancestor))
        {
            if (File.Exists(ancestor))
            {
                throw new RunFolderException($"--out '{path}': '{ancestor}' is a file, not a folder.");
            }
        }
        var info = new DirectoryInfo(full);
        if (info.LinkTarget is not null)
        {
            // Swapping a link would replace the link, and leave the old run where it points.
            return info.ResolveLinkTarget(returnFinalTarget: true) is { Exists: true } resolved
                ? Checked(resolved.FullName)
                : throw new RunFolderException($"--out '{path}' is a link to '{info.LinkTarget}', which is not a folder.");
        }
        if (File.Exists(full))
        {
            throw new RunFolderException($"--out '{path}' is a file, not a folder.");
        }
        return full;
    }

    /// <summary>Creates the missing folders above --out; returns them, deepest first, to remove if the run fails.</summary>
    private static List<string> CreateParents(string given, string target)
    {
        var created = new List<string>();
        for (var folder = Path.GetDirectoryName(target); folder is not null && !Directory.Exists(folder); folder = Path.GetDirectoryName(folder))
        {
            created.Add(folder);
        }
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            return created;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            RemoveEmpty(created);
            throw new RunFolderException($"--out '{given}': cannot create '{Path.GetDirectoryName(target)}': {e.Message}", e);
        }
    }

    private static void RemoveEmpty(IEnumerable<string> folders)
    {
        foreach (var folder in folders)
        {
            if (Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
            {
                Directory.Delete(folder);
            }
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

    private static string Shortened(string text) => text.Length <= 60 ? text : text[..40] + "…" + text[^12..];
}
