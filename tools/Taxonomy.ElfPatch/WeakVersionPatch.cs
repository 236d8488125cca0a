using System.Text;

namespace Taxonomy.ElfPatch;

/// <summary>What became of one file.</summary>
public enum PatchOutcome
{
    Marked,
    AlreadyWeak,
    NotNeeded,
    ProvidedBySystem,
    RefusedInPackageCache,
}

/// <summary>
/// Marks a version need weak (VER_FLG_WEAK in vna_flags) in shared objects, so that the loader only warns when the
/// system lacks that version. The file is never written in place: a patched copy is written next to it, keeps its mode
/// and last-write time, is checked, and is renamed over it. So a hard link into the NuGet cache
/// (CreateHardLinksForCopyLocalIfPossible) is broken instead of written through, and the SDK's incremental copy does
/// not put the unpatched file back.
/// </summary>
/// <param name="packageCache">The NuGet package root, whose files are never patched; null or empty: none.</param>
/// <param name="systemProvides">Whether the system's libstdc++ has the version already (then files are left as they are).</param>
public sealed class WeakVersionPatch(string versionName, string? packageCache, Func<string, bool> systemProvides)
{
    private bool? _systemProvides;

    public PatchOutcome Apply(string path)
    {
        path = Path.GetFullPath(path);
        if (IsUnder(path, packageCache))
        {
            return PatchOutcome.RefusedInPackageCache;
        }
        var offsets = VersionNeeds.FlagOffsetsToMarkWeak(File.ReadAllBytes(path), versionName, out var present);
        if (!present)
        {
            return PatchOutcome.NotNeeded;
        }
        if (offsets.Count == 0)
        {
            return PatchOutcome.AlreadyWeak;
        }
        _systemProvides ??= systemProvides(versionName);
        if (_systemProvides == true)
        {
            return PatchOutcome.ProvidedBySystem;
        }
        Patch(path, offsets);
        return PatchOutcome.Marked;
    }

    private void Patch(string path, List<long> offsets)
    {
        var lastWrite = File.GetLastWriteTimeUtc(path);
        var copy = $"{path}.taxonomy-{Guid.NewGuid():N}.tmp";
        try
        {
            File.Copy(path, copy, overwrite: true);
            using (var file = new FileStream(copy, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            {
                var flags = new byte[2];
                foreach (var offset in offsets)
                {
                    file.Position = offset;
                    file.ReadExactly(flags);
                    flags[0] |= (byte)VersionNeeds.VerFlgWeak;   // little-endian: the flag sits in the low byte
                    file.Position = offset;
                    file.Write(flags);
                }
                file.Flush(flushToDisk: true);
            }
            if (VersionNeeds.FlagOffsetsToMarkWeak(File.ReadAllBytes(copy), versionName, out _).Count != 0)
            {
                throw new ElfFormatException("patched copy still lacks the weak flag");
            }
            File.SetLastWriteTimeUtc(copy, lastWrite);
            File.Move(copy, path, overwrite: true);   // rename(2): the original inode is left alone
            File.SetLastWriteTimeUtc(path, lastWrite);
        }
        finally
        {
            if (File.Exists(copy))
            {
                File.Delete(copy);
            }
        }
    }

    private static bool IsUnder(string path, string? root)
    {
        if (string.IsNullOrEmpty(root))
        {
            return false;
        }
        var full = Path.GetFullPath(root);
        return path.StartsWith(full.EndsWith('/') ? full : full + "/", StringComparison.Ordinal);
    }

    /// <summary>Whether the libstdc++ the loader would use first names the version; unknown counts as no (weak is harmless).</summary>
    public static bool SystemLibStdCxxProvides(string version)
    {
        string[] candidates =
        [
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/usr/lib/aarch64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/lib64/libstdc++.so.6",
            "/usr/lib/libstdc++.so.6",
        ];
        var first = candidates.FirstOrDefault(File.Exists);
        return first is not null && File.ReadAllBytes(first).AsSpan().IndexOf(Encoding.ASCII.GetBytes(version + "\0")) >= 0;
    }
}
