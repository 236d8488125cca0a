using System.Runtime.InteropServices;
using Taxonomy.Host.Platform;

namespace Taxonomy.Tests.Platform;

[TestFixture]
public sealed class GlibcHeapTests
{
    /// <summary>Minor page faults of this process so far (field 10 of /proc/self/stat).</summary>
    private static long MinorFaults()
    {
        var stat = File.ReadAllText("/proc/self/stat");
        return long.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[7]);
    }

    [Test]
    public void Large_blocks_freed_and_allocated_again_come_back_without_new_pages()
    {
        // What a chunked pass over all data does: tens of MB of layer outputs per chunk, freed before the next chunk.
        // With glibc's defaults a block above 32 MB is a fresh mmap every time, one page fault per 4 KB. (48 MB, not
        // more: this test runs on a worker thread, whose arena grows in heaps of at most 64 MB.)
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("glibc's allocator only");
        }
        new GlibcHeap(keepLargeBlocks: true).BeforeFirstTensor();
        const int size = 48 << 20;
        const int pages = size / 4096;
        void AllocateTouchFree()
        {
            var block = Marshal.AllocHGlobal(size);   // malloc
            for (var offset = 0; offset < size; offset += 4096)
            {
                Marshal.WriteByte(block, offset, 1);
            }
            Marshal.FreeHGlobal(block);
        }
        AllocateTouchFree();   // the first one may grow the heap
        var before = MinorFaults();
        for (var i = 0; i < 10; i++)
        {
            AllocateTouchFree();
        }
        var faults = MinorFaults() - before;
        Assert.That(faults, Is.LessThan(pages), $"{faults} page faults for 10 blocks of {pages} pages");
    }
}
