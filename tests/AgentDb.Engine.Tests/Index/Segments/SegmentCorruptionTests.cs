using System.IO.Hashing;
using System.Runtime.InteropServices;
using AgentDb.Index.Hnsw;
using AgentDb.Index.Segments;
using AgentDb.Kernels;

namespace AgentDb.Engine.Tests.Index.Segments;

public sealed class SegmentCorruptionTests : IDisposable
{
    private const int Dimension = 8;
    private readonly TemporaryDirectory _directory = new();
    private readonly string _path;

    public SegmentCorruptionTests()
    {
        _path = _directory.File("segment.hnsw");
        using var index = new HnswIndex(new HnswOptions { Dimension = Dimension, Metric = DistanceMetric.L2Squared, M = 4, EfConstruction = 16 });
        index.AddBatch(VectorData.Ids(300), VectorData.Clustered(300, Dimension, clusters: 4, seed: 51), maxDegreeOfParallelism: 1);
        index.Delete(17);
        SegmentWriter.Write(index, _path);
    }

    public void Dispose() => _directory.Dispose();

    public static TheoryData<SegmentBlock> Blocks =>
    [
        SegmentBlock.Vectors, SegmentBlock.Level0Links, SegmentBlock.UpperOffsets, SegmentBlock.UpperLinks,
        SegmentBlock.Ids, SegmentBlock.IdIndex, SegmentBlock.Deleted,
    ];

    [Theory]
    [MemberData(nameof(Blocks))]
    public void Search_AfterAByteFlipsInABlock_ThrowsNamingFileAndBlock(SegmentBlock block)
    {
        SegmentBlockEntry entry = ReadHeader().Table[(int)block];
        Assert.True(entry.Length > 0);
        FlipByte((long)(entry.Offset + (entry.Length / 2)));

        using ImmutableSegment segment = ImmutableSegment.Open(_path); // the header is intact: open stays cheap
        var error = Assert.Throws<SegmentCorruptedException>(() => segment.Search(new float[Dimension], 5, new SearchHit[5]));

        Assert.Equal(block, error.Block);
        Assert.Equal(_path, error.Path);
        Assert.Contains(_path, error.Message);
        Assert.Contains(block.ToString(), error.Message);
        Assert.Throws<SegmentCorruptedException>(segment.VerifyChecksums); // and stays failed
        Assert.Throws<SegmentCorruptedException>(() => segment.Contains(1));
    }

    [Fact]
    public void VerifyChecksums_OfIntactFile_Passes()
    {
        using ImmutableSegment segment = ImmutableSegment.Open(_path);

        segment.VerifyChecksums();

        Assert.Equal(5, segment.Search(new float[Dimension], 5, new SearchHit[5]));
    }

    [Theory]
    [InlineData(24)] // dimension
    [InlineData(52)] // entry point
    [InlineData(70)] // the block table
    [InlineData(240)] // reserved bytes are covered too
    public void Open_AfterAByteFlipsInTheHeader_Throws(int offset)
    {
        FlipByte(offset);

        var error = Assert.Throws<SegmentCorruptedException>(() => ImmutableSegment.Open(_path));

        Assert.Null(error.Block);
        Assert.Contains("checksum", error.Message);
    }

    [Fact]
    public void Open_OfWrongMagic_Throws()
    {
        FlipByte(0);

        var error = Assert.Throws<SegmentCorruptedException>(() => ImmutableSegment.Open(_path));

        Assert.Equal(0, error.Offset);
        Assert.Contains("magic", error.Message);
    }

    [Fact]
    public void Open_OfOtherFormatVersion_Throws()
    {
        PatchHeader((ref SegmentHeader header) => header.FormatVersion = 2);

        var error = Assert.Throws<SegmentCorruptedException>(() => ImmutableSegment.Open(_path));

        Assert.Equal(8, error.Offset);
        Assert.Contains("version 2", error.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4096)]
    public void Open_OfTruncatedFile_Throws(int missingBytes)
    {
        long length = new FileInfo(_path).Length;
        using (var file = new FileStream(_path, FileMode.Open))
        {
            file.SetLength(length - missingBytes);
        }

        var error = Assert.Throws<SegmentCorruptedException>(() => ImmutableSegment.Open(_path));

        Assert.Contains("truncated", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    public void Open_OfFileShorterThanTheHeader_Throws(int length)
    {
        using (var file = new FileStream(_path, FileMode.Open))
        {
            file.SetLength(length);
        }

        Assert.Throws<SegmentCorruptedException>(() => ImmutableSegment.Open(_path));
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public void Open_WithBlockOutOfRange_ThrowsNamingTheBlock(SegmentBlock block)
    {
        PatchHeader((ref SegmentHeader header) => header.Table[(int)block].Offset = header.FileLength + 64);

        var error = Assert.Throws<SegmentCorruptedException>(() => ImmutableSegment.Open(_path));

        Assert.Equal(block, error.Block);
    }

    [Fact]
    public void Open_WithBlockLengthNotMatchingTheHeader_Throws()
    {
        PatchHeader((ref SegmentHeader header) => header.Table[(int)SegmentBlock.Ids].Length -= 8);

        Assert.Equal(SegmentBlock.Ids, Assert.Throws<SegmentCorruptedException>(() => ImmutableSegment.Open(_path)).Block);
    }

    [Fact]
    public void Search_WithLinkOutOfRangeUnderValidChecksums_ThrowsInsteadOfReadingOutside()
    {
        // A file a buggy writer could produce: every checksum right, links naming a node that does not exist.
        SegmentHeader header = ReadHeader();
        SegmentBlockEntry level0 = header.Table[(int)SegmentBlock.Level0Links];
        byte[] bytes = File.ReadAllBytes(_path);
        int stride = (1 + (int)header.MaxDegree0) * sizeof(int);
        for (int node = 0; node < header.NodeCount; node++)
        {
            // Every list's first link, so whichever node the search expands first trips on it.
            BitConverter.TryWriteBytes(bytes.AsSpan((int)level0.Offset + (node * stride) + sizeof(int)), 1_000_000);
        }

        header.Table[(int)SegmentBlock.Level0Links].Checksum = XxHash64.HashToUInt64(bytes.AsSpan((int)level0.Offset, (int)level0.Length));
        WriteHeader(bytes, header);
        File.WriteAllBytes(_path, bytes);

        using ImmutableSegment segment = ImmutableSegment.Open(_path);
        var error = Assert.Throws<SegmentCorruptedException>(() => segment.Search(new float[Dimension], 5, new SearchHit[5]));

        Assert.Equal(SegmentBlock.Level0Links, error.Block);
    }

    private delegate void HeaderPatch(ref SegmentHeader header);

    private SegmentHeader ReadHeader() => MemoryMarshal.Read<SegmentHeader>(File.ReadAllBytes(_path));

    private void PatchHeader(HeaderPatch patch)
    {
        byte[] bytes = File.ReadAllBytes(_path);
        SegmentHeader header = MemoryMarshal.Read<SegmentHeader>(bytes);
        patch(ref header);
        WriteHeader(bytes, header);
        File.WriteAllBytes(_path, bytes);
    }

    private static void WriteHeader(byte[] bytes, SegmentHeader header)
    {
        MemoryMarshal.Write(bytes, in header);
        header.HeaderChecksum = SegmentHeader.ComputeChecksum(bytes);
        MemoryMarshal.Write(bytes, in header);
    }

    private void FlipByte(long offset)
    {
        using var file = new FileStream(_path, FileMode.Open);
        file.Position = offset;
        int value = file.ReadByte();
        file.Position = offset;
        file.WriteByte((byte)(value ^ 0x5A));
    }
}
