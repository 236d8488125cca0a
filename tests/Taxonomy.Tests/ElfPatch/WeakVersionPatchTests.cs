using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using Taxonomy.ElfPatch;
using Taxonomy.Tests.Data;

namespace Taxonomy.Tests.ElfPatch;

[TestFixture]
public sealed class WeakVersionPatchTests
{
    private const string Version = "GLIBCXX_3.4.32";

    /// <summary>
    /// The smallest ELF64 file with version needs: a string table and one Verneed (libstdc++.so.6) with two Vernaux,
    /// GLIBCXX_3.4 and <see cref="Version"/>. Returns the file and the offset of the latter's vna_flags.
    /// </summary>
    private static (byte[] Bytes, int FlagsOffset) SmallElf()
    {
        var strings = Encoding.ASCII.GetBytes("\0libstdc++.so.6\0GLIBCXX_3.4\0" + Version + "\0");
        const int stringsAt = 64;
        var verneedAt = stringsAt + (strings.Length + 7) / 8 * 8;
        const int verneedSize = 16 + 2 * 16;
        var sectionsAt = verneedAt + verneedSize;
        var d = new byte[sectionsAt + 3 * 64];
        "\u007fELF"u8.CopyTo(d);
        (d[4], d[5], d[6]) = (2, 1, 1);   // ELF64, little-endian, version 1
        BinaryPrimitives.WriteUInt64LittleEndian(d.AsSpan(0x28), (ulong)sectionsAt);
        BinaryPrimitives.WriteUInt16LittleEndian(d.AsSpan(0x3A), 64);
        BinaryPrimitives.WriteUInt16LittleEndian(d.AsSpan(0x3C), 3);
        strings.CopyTo(d, stringsAt);

        // Verneed: vn_version, vn_cnt, vn_file, vn_aux, vn_next; then Vernaux: hash, flags, other, name, next.
        BinaryPrimitives.WriteUInt16LittleEndian(d.AsSpan(verneedAt), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(d.AsSpan(verneedAt + 2), 2);
        BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(verneedAt + 4), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(verneedAt + 8), 16);
        Vernaux(d, verneedAt + 16, name: 16, next: 16);
        Vernaux(d, verneedAt + 32, name: 28, next: 0);

        Section(d, sectionsAt + 64, type: 3, stringsAt, strings.Length, link: 0, info: 0);   // SHT_STRTAB
        Section(d, sectionsAt + 128, type: VersionNeeds.ShtGnuVerneed, verneedAt, verneedSize, link: 1, info: 1);
        return (d, verneedAt + 32 + 4);
    }

    private static void Vernaux(byte[] d, int at, uint name, uint next)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(at), 0x0a1b2c3d);
        BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(at + 8), name);
        BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(at + 12), next);
    }

    private static void Section(byte[] d, int at, uint type, int offset, int size, uint link, uint info)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(at + 4), type);
        BinaryPrimitives.WriteUInt64LittleEndian(d.AsSpan(at + 24), (ulong)offset);
        BinaryPrimitives.WriteUInt64LittleEndian(d.AsSpan(at + 32), (ulong)size);
        BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(at + 40), link);
        BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(at + 44), info);
    }

    /// <summary><see cref="SmallElf"/> written to libLibTorchSharp.so in <paramref name="temp"/>.</summary>
    private static (string File, byte[] Original, int FlagsOffset) Written(TempFolder temp)
    {
        var (bytes, flags) = SmallElf();
        var file = temp.File("libLibTorchSharp.so");
        File.WriteAllBytes(file, bytes);
        return (file, bytes, flags);
    }

    private static WeakVersionPatch Patch(string? packageCache = null, bool systemProvides = false) =>
        new(Version, packageCache, _ => systemProvides);

    [Test]
    public void Only_the_named_versions_flags_gain_the_weak_bit()
    {
        using var temp = new TempFolder();
        var (file, original, flags) = Written(temp);

        Assert.That(Patch().Apply(file), Is.EqualTo(PatchOutcome.Marked));

        var patched = File.ReadAllBytes(file);
        var changed = Enumerable.Range(0, original.Length).Where(i => patched[i] != original[i]).ToList();
        Assert.That(changed, Is.EqualTo(new[] { flags }));
        Assert.That(patched[flags], Is.EqualTo(VersionNeeds.VerFlgWeak));
        Assert.That(VersionNeeds.FlagOffsetsToMarkWeak(patched, Version, out var present), Is.Empty);
        Assert.That(present, Is.True);
    }

    [Test]
    public void A_second_run_leaves_the_file_and_its_timestamp_as_they_are()
    {
        using var temp = new TempFolder();
        var (file, _, _) = Written(temp);
        var written = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(file, written);

        Assert.That(Patch().Apply(file), Is.EqualTo(PatchOutcome.Marked));
        var once = File.ReadAllBytes(file);
        Assert.That(Patch().Apply(file), Is.EqualTo(PatchOutcome.AlreadyWeak));

        Assert.That(File.ReadAllBytes(file), Is.EqualTo(once));
        Assert.That(File.GetLastWriteTimeUtc(file), Is.EqualTo(written), "else the SDK's incremental copy undoes the patch");
    }

    [Test]
    public void A_hard_linked_original_is_left_unpatched()
    {
        using var temp = new TempFolder();
        var (original, _) = SmallElf();
        var cached = temp.File("cached.so");
        File.WriteAllBytes(cached, original);
        var output = temp.File("libLibTorchSharp.so");
        using (var ln = Process.Start("ln", [cached, output]))
        {
            ln.WaitForExit();
        }

        Assert.That(Patch().Apply(output), Is.EqualTo(PatchOutcome.Marked));
        Assert.That(File.ReadAllBytes(cached), Is.EqualTo(original), "the NuGet cache's copy");
        Assert.That(File.ReadAllBytes(output), Is.Not.EqualTo(original));
    }

    [Test]
    public void Files_in_the_package_cache_are_refused_and_left_alone()
    {
        using var temp = new TempFolder();
        var (file, original, _) = Written(temp);

        Assert.That(Patch(packageCache: temp.Path).Apply(file), Is.EqualTo(PatchOutcome.RefusedInPackageCache));
        Assert.That(File.ReadAllBytes(file), Is.EqualTo(original));
    }

    [Test]
    public void Where_the_system_provides_the_version_nothing_is_patched()
    {
        using var temp = new TempFolder();
        var (file, original, _) = Written(temp);

        Assert.That(Patch(systemProvides: true).Apply(file), Is.EqualTo(PatchOutcome.ProvidedBySystem));
        Assert.That(File.ReadAllBytes(file), Is.EqualTo(original));
    }

    [Test]
    public void A_file_that_needs_another_version_only_is_not_touched()
    {
        var (original, _) = SmallElf();
        Assert.That(VersionNeeds.FlagOffsetsToMarkWeak(original, "GLIBCXX_3.4.99", out var present), Is.Empty);
        Assert.That(present, Is.False);
    }

    [Test]
    public void A_damaged_version_table_is_reported_not_patched()
    {
        var (elf, _) = SmallElf();
        BinaryPrimitives.WriteUInt32LittleEndian(elf.AsSpan(elf.Length - 64 + 40), 7);   // sh_link past the last section
        var error = Assert.Throws<ElfFormatException>(() => VersionNeeds.FlagOffsetsToMarkWeak(elf, Version, out _))!;
        Assert.That(error.Message, Is.EqualTo(".gnu.version_r sh_link 7 invalid"));
        Assert.That(() => VersionNeeds.FlagOffsetsToMarkWeak("#!/bin/sh\n"u8.ToArray(), Version, out _),
            Throws.TypeOf<ElfFormatException>().With.Message.EqualTo("no ELF magic"));
    }

    [Test]
    public void The_built_libLibTorchSharp_needs_the_version_only_weakly()
    {
        // What the build did to this test's own output folder; TorchSharp could not load here otherwise.
        if (WeakVersionPatch.SystemLibStdCxxProvides(Version))
        {
            Assert.Ignore($"this system's libstdc++ provides {Version}: the build leaves the library as it is");
        }
        var library = Directory.GetFiles(AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories).Single();
        Assert.That(VersionNeeds.FlagOffsetsToMarkWeak(File.ReadAllBytes(library), Version, out var present), Is.Empty);
        Assert.That(present, Is.True);
    }
}
