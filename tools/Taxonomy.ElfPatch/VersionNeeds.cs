using System.Text;

namespace Taxonomy.ElfPatch;

/// <summary>
/// Reads the version needs of an ELF64 little-endian file: the SHT_GNU_verneed section (.gnu.version_r), its Verneed
/// entries (vn_cnt, vn_aux, vn_next) and their Vernaux entries (vna_hash, vna_flags, vna_other, vna_name, vna_next),
/// with names from the string table the section links to. Every offset is checked against the file's bounds.
/// </summary>
public static class VersionNeeds
{
    public const uint ShtGnuVerneed = 0x6ffffffe;
    public const ushort VerFlgWeak = 0x2;

    /// <summary>
    /// The file offsets of vna_flags of every Vernaux named <paramref name="versionName"/> that is not weak yet;
    /// <paramref name="present"/> tells whether any Vernaux of that name exists at all.
    /// </summary>
    public static List<long> FlagOffsetsToMarkWeak(byte[] d, string versionName, out bool present)
    {
        present = false;
        var result = new List<long>();
        if (d.Length < 64 || d[0] != 0x7f || d[1] != (byte)'E' || d[2] != (byte)'L' || d[3] != (byte)'F')
        {
            throw new ElfFormatException("no ELF magic");
        }
        if (d[4] != 2)
        {
            throw new ElfFormatException("not ELF64");
        }
        if (d[5] != 1)
        {
            throw new ElfFormatException("not little-endian");
        }

        var shoff = ToLong(U64(d, 0x28), "e_shoff");
        int shentsize = U16(d, 0x3A);
        long shnum = U16(d, 0x3C);
        if (shoff == 0)
        {
            throw new ElfFormatException("no section header table");
        }
        if (shentsize < 64)
        {
            throw new ElfFormatException($"e_shentsize {shentsize} < 64");
        }
        if (shnum == 0)
        {
            shnum = ToLong(U64(d, shoff + 32), "extended e_shnum");   // SHN_UNDEF.sh_size holds the real count
        }
        if (shnum <= 0 || shnum > (d.LongLength - shoff) / shentsize)
        {
            throw new ElfFormatException("section header table out of file bounds");
        }

        var want = Encoding.ASCII.GetBytes(versionName);
        for (long i = 0; i < shnum; i++)
        {
            var sh = shoff + i * shentsize;
            if (U32(d, sh + 4) != ShtGnuVerneed)
            {
                continue;
            }
            var secOff = ToLong(U64(d, sh + 24), "sh_offset");
            var secSize = ToLong(U64(d, sh + 32), "sh_size");
            var link = U32(d, sh + 40);
            var count = U32(d, sh + 44);   // sh_info = number of Verneed entries
            Check(d, secOff, secSize);
            if (link == 0 || link >= shnum)
            {
                throw new ElfFormatException($".gnu.version_r sh_link {link} invalid");
            }
            var strSh = shoff + link * (long)shentsize;
            var strOff = ToLong(U64(d, strSh + 24), "strtab sh_offset");
            var strSize = ToLong(U64(d, strSh + 32), "strtab sh_size");
            Check(d, strOff, strSize);

            long vn = 0;
            for (uint n = 0; ; n++)
            {
                if (vn < 0 || vn > secSize - 16)
                {
                    throw new ElfFormatException("Verneed entry out of section bounds");
                }
                if (n > 0xFFFF)
                {
                    throw new ElfFormatException("Verneed chain too long");
                }
                var vnAbs = secOff + vn;
                var vnVersion = U16(d, vnAbs);
                var vnCnt = U16(d, vnAbs + 2);
                var vnAux = U32(d, vnAbs + 8);
                var vnNext = U32(d, vnAbs + 12);
                if (vnVersion != 1)
                {
                    throw new ElfFormatException($"Verneed vn_version {vnVersion} != 1");
                }

                var aux = vn + vnAux;
                for (var k = 0; k < vnCnt; k++)
                {
                    if (aux < 0 || aux > secSize - 16)
                    {
                        throw new ElfFormatException("Vernaux entry out of section bounds");
                    }
                    var auxAbs = secOff + aux;
                    var flags = U16(d, auxAbs + 4);
                    var nameOff = U32(d, auxAbs + 8);
                    var vnaNext = U32(d, auxAbs + 12);
                    if (nameOff >= strSize)
                    {
                        throw new ElfFormatException("vna_name out of string table");
                    }
                    if (NameEquals(d, strOff + nameOff, strOff + strSize, want))
                    {
                        present = true;
                        if ((flags & VerFlgWeak) == 0)
                        {
                            result.Add(auxAbs + 4);
                        }
                    }
                    if (vnaNext == 0)
                    {
                        if (k != vnCnt - 1)
                        {
                            throw new ElfFormatException("Vernaux chain shorter than vn_cnt");
                        }
                        break;
                    }
                    aux += vnaNext;
                }

                if (vnNext == 0 || (count != 0 && n + 1 >= count))
                {
                    break;
                }
                vn += vnNext;
            }
        }
        return result;
    }

    private static bool NameEquals(byte[] d, long start, long end, byte[] want)
    {
        if (start + want.Length >= end)
        {
            return false;
        }
        for (var i = 0; i < want.Length; i++)
        {
            if (d[start + i] != want[i])
            {
                return false;
            }
        }
        return d[start + want.Length] == 0;
    }

    private static ushort U16(byte[] d, long o)
    {
        Check(d, o, 2);
        return (ushort)(d[o] | (d[o + 1] << 8));
    }

    private static uint U32(byte[] d, long o)
    {
        Check(d, o, 4);
        return (uint)(d[o] | (d[o + 1] << 8) | (d[o + 2] << 16) | (d[o + 3] << 24));
    }

    private static ulong U64(byte[] d, long o) => U32(d, o) | ((ulong)U32(d, o + 4) << 32);

    private static void Check(byte[] d, long o, long n)
    {
        if (o < 0 || n < 0 || o > d.LongLength - n)
        {
            throw new ElfFormatException($"offset 0x{o:x} out of file bounds");
        }
    }

    private static long ToLong(ulong v, string what) =>
        v <= long.MaxValue ? (long)v : throw new ElfFormatException($"{what} too large");
}
