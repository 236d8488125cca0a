namespace Taxonomy.Blocks.Data;

/// <summary>The CRC-32 of gzip trailers (IEEE 802.3, reflected polynomial 0xEDB88320), updated incrementally.</summary>
internal struct Crc32
{
    private static readonly uint[] s_table = CreateTable();

    private uint _state = 0xFFFFFFFFu;

    public Crc32()
    {
    }

    public readonly uint Value => ~_state;

    public void Append(ReadOnlySpan<byte> bytes)
    {
        var state = _state;
        foreach (var b in bytes)
        {
            state = s_table[(state ^ b) & 0xFF] ^ (state >> 8);
        }
        _state = state;
    }

    private static uint[] CreateTable()
    {
        var table = new uint[256];
        for (var i = 0u; i < 256; i++)
        {
            var c = i;
            for (var bit = 0; bit < 8; bit++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }
            table[i] = c;
        }
        return table;
    }
}
