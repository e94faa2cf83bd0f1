using System.Diagnostics.CodeAnalysis;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using AgentDb.Index.Hnsw;
using AgentDb.Kernels;

namespace AgentDb.Index.Segments;

/// <summary>
/// The checks a segment file must pass: <see cref="ReadHeader"/> at open (the header alone: cost independent of the
/// file's size) and <see cref="VerifyBlocks"/> before the first search (every block's checksum: one pass over the file).
/// </summary>
internal static class SegmentValidation
{
    private const int VerifyChunk = 1 << 20;

    public static SegmentHeader ReadHeader(SegmentMapping mapping, string path)
    {
        SegmentHeader header = MemoryMarshal.Read<SegmentHeader>(mapping.Bytes(0, SegmentHeader.Size));
        if (header.Magic != SegmentHeader.ExpectedMagic)
        {
            Throw(path, null, 0, $"magic 0x{header.Magic:X16} is not a segment file's (0x{SegmentHeader.ExpectedMagic:X16})");
        }

        if (header.FormatVersion != SegmentHeader.CurrentVersion)
        {
            Throw(path, null, 8, $"format version {header.FormatVersion} is not supported (this build reads {SegmentHeader.CurrentVersion})");
        }

        ulong checksum = SegmentHeader.ComputeChecksum(mapping.Bytes(0, SegmentHeader.Size));
        if (checksum != header.HeaderChecksum)
        {
            Throw(path, null, SegmentHeader.ChecksummedBytes, $"header checksum 0x{header.HeaderChecksum:X16} does not match 0x{checksum:X16}");
        }

        Check(header.HeaderSize == SegmentHeader.Size, path, 12, $"header size {header.HeaderSize}, expected {SegmentHeader.Size}");
        Check(header.FileLength == (ulong)mapping.Length, path, 16, $"the header says {header.FileLength} bytes, the file has {mapping.Length} (truncated or extended)");
        Check(header.Dimension is >= 1 and <= HnswOptions.MaxDimension, path, 24, $"dimension {header.Dimension}");
        Check((DistanceMetric)header.Metric is DistanceMetric.Cosine or DistanceMetric.L2Squared or DistanceMetric.Dot, path, 28, $"metric {header.Metric}");
        Check(header.M is >= 2 and <= HnswOptions.MaxM, path, 32, $"M {header.M}");
        Check(header.MaxDegree0 == 2 * header.M, path, 36, $"level-0 degree {header.MaxDegree0} is not 2M");
        Check(header.NodeCount <= int.MaxValue, path, 40, $"node count {header.NodeCount}");
        Check(header.LiveCount <= header.NodeCount, path, 44, $"{header.LiveCount} live nodes of {header.NodeCount}");
        if (header.NodeCount == 0)
        {
            Check(header.MaxLevel == -1 && header.EntryPoint == -1, path, 48, "an empty graph with an entry point");
        }
        else
        {
            Check(header.MaxLevel is >= 0 and <= LevelGenerator.MaxLevel, path, 48, $"top level {header.MaxLevel}");
            Check(header.EntryPoint >= 0 && header.EntryPoint < header.NodeCount, path, 52, $"entry point {header.EntryPoint}");
        }

        Check(header.Blocks == SegmentHeader.BlockCount, path, 56, $"{header.Blocks} blocks, expected {SegmentHeader.BlockCount}");
        Check(header.EfSearch >= 1, path, 60, $"search breadth {header.EfSearch}");
        CheckBlockTable(header, path);
        return header;
    }

    /// <summary>Recomputes every block's XxHash64 and throws on the first that differs from the table's.</summary>
    public static void VerifyBlocks(SegmentMapping mapping, in SegmentHeader header, string path)
    {
        var hash = new XxHash64();
        for (int block = 0; block < SegmentHeader.BlockCount; block++)
        {
            SegmentBlockEntry entry = header.Table[block];
            hash.Reset();
            for (ulong done = 0; done < entry.Length; done += VerifyChunk)
            {
                int chunk = (int)Math.Min(VerifyChunk, entry.Length - done);
                hash.Append(mapping.Bytes((long)(entry.Offset + done), chunk));
            }

            ulong actual = hash.GetCurrentHashAsUInt64();
            if (actual != entry.Checksum)
            {
                Throw(path, (SegmentBlock)block, (long)entry.Offset, $"checksum 0x{actual:X16} does not match 0x{entry.Checksum:X16} in the header");
            }
        }
    }

    private static void CheckBlockTable(in SegmentHeader header, string path)
    {
        ulong nodes = header.NodeCount;
        ulong end = SegmentHeader.Size;
        for (int block = 0; block < SegmentHeader.BlockCount; block++)
        {
            SegmentBlockEntry entry = header.Table[block];
            var name = (SegmentBlock)block;
            long at = 64 + (block * SegmentBlockEntry.Size);
            Check(entry.Offset % SegmentHeader.BlockAlignment == 0, path, name, at, $"offset {entry.Offset} is not {SegmentHeader.BlockAlignment}-byte aligned");
            Check(entry.Offset >= end, path, name, at, $"offset {entry.Offset} overlaps what comes before it (ends at {end})");
            Check(entry.Offset <= header.FileLength && entry.Length <= header.FileLength - entry.Offset, path, name, at,
                $"{entry.Length} bytes at {entry.Offset} run past the end of the file ({header.FileLength})");
            ulong? expected = name switch
            {
                SegmentBlock.Vectors => nodes * header.Dimension * sizeof(float),
                SegmentBlock.Level0Links => nodes * (1 + header.MaxDegree0) * sizeof(int),
                SegmentBlock.UpperOffsets => (nodes + 1) * sizeof(uint),
                SegmentBlock.Ids => nodes * sizeof(long),
                SegmentBlock.IdIndex => (ulong)header.LiveCount * sizeof(int),
                SegmentBlock.Deleted => (nodes + 63) / 64 * sizeof(ulong),
                _ => null,
            };
            if (expected is { } length)
            {
                Check(entry.Length == length, path, name, at, $"{entry.Length} bytes, expected {length}");
            }
            else
            {
                ulong listBytes = (1 + header.M) * sizeof(int);
                Check(entry.Length % listBytes == 0, path, name, at, $"{entry.Length} bytes is not a whole number of {listBytes}-byte lists");
            }

            end = entry.Offset + entry.Length;
        }
    }

    private static void Check([DoesNotReturnIf(false)] bool condition, string path, long offset, string reason)
    {
        if (!condition)
        {
            Throw(path, null, offset, reason);
        }
    }

    private static void Check([DoesNotReturnIf(false)] bool condition, string path, SegmentBlock block, long offset, string reason)
    {
        if (!condition)
        {
            Throw(path, block, offset, reason);
        }
    }

    [DoesNotReturn]
    private static void Throw(string path, SegmentBlock? block, long offset, string reason) =>
        throw new SegmentCorruptedException(path, block, offset, reason);
}
