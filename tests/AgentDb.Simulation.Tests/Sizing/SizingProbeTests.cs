using AgentDb.Engine.Tests.Support;
using AgentDb.Simulation.Sizing;

namespace AgentDb.Simulation.Tests.Sizing;

public sealed class SizingProbeTests
{
    [Fact]
    public void Measure_GivesPositiveDiskBytesPerRecordThatScaleWithTheSampleSize()
    {
        using var small = new TempDirectory();
        using var large = new TempDirectory();

        var atTwoThousand = SizingProbe.Measure(small.Combine("memory"), 2_000, 384);
        var atSixThousand = SizingProbe.Measure(large.Combine("memory"), 6_000, 384);

        Assert.Equal(Enum.GetValues<RecordKind>().Length, atTwoThousand.Footprints.Count);
        Assert.True(atTwoThousand.EmptyDiskBytes > 0);
        foreach (var kind in Enum.GetValues<RecordKind>())
        {
            var a = atTwoThousand[kind];
            var b = atSixThousand[kind];
            Assert.Equal(kind, a.Kind);
            Assert.True(a.DiskBytes > 0, $"{kind}: {a.DiskBytes} bytes per record at 2,000");
            Assert.True(b.DiskBytes > 0, $"{kind}: {b.DiskBytes} bytes per record at 6,000");
            // Per record, the two sample sizes agree within a sane factor: the figure is a rate, not a constant.
            var ratio = a.DiskBytes / b.DiskBytes;
            Assert.True(ratio is > 0.5 and < 2, $"{kind}: {a.DiskBytes:0} vs {b.DiskBytes:0} bytes per record (ratio {ratio:0.00})");
        }
        // A vector-carrying record costs at least its vector's 1,536 bytes on disk.
        Assert.True(atTwoThousand[RecordKind.Episode].DiskBytes >= 384 * 4);
        Assert.True(atTwoThousand[RecordKind.GraphNode].DiskBytes >= 384 * 4);
    }

    [Fact]
    public void DataBytes_LeavesTheWriteAheadLogsOut()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("stores/main/log/commits"));
        Directory.CreateDirectory(dir.Combine("stores/main/rocksdb"));
        File.WriteAllBytes(dir.Combine("stores/main/log/wal.log.0"), new byte[1000]);
        File.WriteAllBytes(dir.Combine("stores/main/log/commits/wal.commit"), new byte[100]);
        File.WriteAllBytes(dir.Combine("stores/main/rocksdb/000001.sst"), new byte[70]);
        File.WriteAllBytes(dir.Combine("LAYOUT.json"), new byte[7]);

        Assert.Equal(77, SizingProbe.DataBytes(dir.Path));
    }
}
