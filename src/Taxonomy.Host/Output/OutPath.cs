using System.Text;

namespace Taxonomy.Host.Output;

/// <summary>
/// The checks of --out that need no writing (empty, a file, below a file, too long for the file system), and the
/// folders above it that a run creates, and removes again when it fails.
/// </summary>
internal static class OutPath
{
    /// <summary>NAME_MAX of Linux file systems, in bytes.</summary>
    private const int NameMax = 255;
    private const int PathMax = 4095;
    /// <summary>Room for ".", ".partial-PID-RANDOM" around the folder's name in its temporary folder's.</summary>
    private const int SuffixRoom = 32;

    /// <summary>The absolute folder --out names (symbolic links resolved), after every check that needs no writing.</summary>
    public static string Resolve(string? path)
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
                ? Resolve(resolved.FullName)
                : throw new RunFolderException($"--out '{path}' is a link to '{info.LinkTarget}', which is not a folder.");
        }
        if (File.Exists(full))
        {
            throw new RunFolderException($"--out '{path}' is a file, not a folder.");
        }
        return full;
    }

    /// <summary>Creates the missing folders above --out; returns them, deepest first, to remove if the run fails.</summary>
    public static List<string> CreateParents(string given, string target)
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

    public static void RemoveEmpty(IEnumerable<string> folders)
    {
        foreach (var folder in folders)
        {
            if (Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
            {
                Directory.Delete(folder);
            }
        }
    }

    private static string Shortened(string text) => text.Length <= 60 ? text : text[..40] + "…" + text[^12..];
}
