using System.Diagnostics;
using System.Text;

namespace Taxonomy.Host.Output;

/// <summary>
/// The lock file beside a run folder, ".NAME.lock": an exclusive flock (FileShare.None), which the kernel drops when
/// its holder dies, however it dies, so a file left by a killed run is simply taken over. It holds the holder's pid
/// and start time for people to read; another run cannot open a held lock file, so it names the holder otherwise.
/// </summary>
internal sealed class RunLock : IDisposable
{
    /// <summary>EWOULDBLOCK, the error (as HResult) of opening a file that another process holds with FileShare.None.</summary>
    private const int HeldByAnother = 11;

    private readonly string _path;
    private readonly FileStream _stream;

    private RunLock(string path, FileStream stream) => (_path, _stream) = (path, stream);

    /// <param name="holder">Describes the live run that holds the lock, e.g. " (pid 1234, started …)".</param>
    public static RunLock Take(string path, string given, Func<string> holder, TextWriter log)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (e.HResult == HeldByAnother)
        {
            throw new RunFolderException($"--out '{given}' is in use by another run{holder()}; wait for it to end or choose another --out.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunFolderException($"--out '{given}': cannot write in '{Path.GetDirectoryName(path)}': {e.Message}", e);
        }
        var left = new StreamReader(stream, leaveOpen: true).ReadToEnd().Trim();
        if (left.Length > 0)
        {
            log.WriteLine($"--out '{given}': took over the lock left by a run that is no longer running ({left}).");
        }
        stream.SetLength(0);
        stream.Write(Encoding.UTF8.GetBytes(
            $"pid {Environment.ProcessId} started {Process.GetCurrentProcess().StartTime.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ}\n"));
        stream.Flush();
        return new RunLock(path, stream);
    }

    public void Dispose()
    {
        try
        {
            // Deleted while still held, so that no other run locks the file this one is about to let go of.
            File.Delete(_path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left behind, it is taken over by the next run: the kernel drops the lock itself with the handle.
        }
        _stream.Dispose();
    }
}
