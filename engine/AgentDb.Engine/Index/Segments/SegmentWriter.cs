using System.Runtime.InteropServices;
using AgentDb.Index.Hnsw;

namespace AgentDb.Index.Segments;

/// <summary>
/// Writes an <see cref="HnswIndex"/>'s graph as an immutable segment file (format: docs/SEGMENT_FORMAT.md), which
/// <see cref="ImmutableSegment.Open"/> maps and searches in place.
/// </summary>
public static class SegmentWriter
{
    /// <summary>
    /// Writes <paramref name="index"/> to <paramref name="path"/>, replacing any file there. Points whose add is still
    /// linking are waited for, then adds and deletes on the index wait while it is written; searches go on. The file
    /// is written beside the target, flushed to disk and renamed over <paramref name="path"/>, so a reader sees the old
    /// file or the whole new one, never a part. Deleted points are kept as waypoints and marked in the deleted bitmap.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="index"/> or <paramref name="path"/> is null.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Write(HnswIndex index, string path)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentException.ThrowIfNullOrEmpty(path);
        HnswSnapshot snapshot = index.AcquireSnapshot();
        try
        {
            Write(snapshot, path);
        }
        finally
        {
            index.ReleaseSnapshot();
        }
    }

    private static void Write(in HnswSnapshot snapshot, string path)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Segment files are little-endian; this host is not.");
        }

        string temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
        {
            file.Write(new byte[SegmentHeader.Size]); // the header goes last, once the table is known
            SegmentHeader header = WriteBlocks(snapshot, new SegmentBlockWriter(file));
            header.FileLength = (ulong)file.Length;
            Span<byte> headerBytes = MemoryMarshal.AsBytes(new Span<SegmentHeader>(ref header));
            header.HeaderChecksum = SegmentHeader.ComputeChecksum(headerBytes);
            file.Position = 0;
            file.Write(headerBytes);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    private static SegmentHeader WriteBlocks(in HnswSnapshot snapshot, SegmentBlockWriter writer)
    {
        GraphStorage storage = snapshot.Storage;
        int nodeCount = snapshot.NodeCount;
        var header = new SegmentHeader
        {
            Magic = SegmentHeader.ExpectedMagic,
            FormatVersion = SegmentHeader.CurrentVersion,
            HeaderSize = SegmentHeader.Size,
            Dimension = (uint)storage.Dimension,
            Metric = (byte)snapshot.Metric,
            M = (uint)storage.M,
            MaxDegree0 = (uint)storage.MaxDegree0,
            NodeCount = (uint)nodeCount,
            MaxLevel = nodeCount == 0 ? -1 : snapshot.MaxLevel,
            EntryPoint = nodeCount == 0 ? -1 : snapshot.EntryPoint,
            Blocks = SegmentHeader.BlockCount,
            EfSearch = (uint)snapshot.EfSearch,
        };

        writer.Begin();
        writer.Append(MemoryMarshal.AsBytes(storage.Vectors[..(nodeCount * storage.Dimension)]));
        header.Table[(int)SegmentBlock.Vectors] = writer.End();

        var list = new int[1 + storage.MaxDegree0];
        writer.Begin();
        for (int node = 0; node < nodeCount; node++)
        {
            AppendList(writer, storage.LockedList(node, 0), list.AsSpan(0, storage.Level0Stride));
        }

        header.Table[(int)SegmentBlock.Level0Links] = writer.End();

        writer.Begin();
        uint upperOffset = 0;
        for (int node = 0; node < nodeCount; node++)
        {
            writer.Append(MemoryMarshal.AsBytes(new ReadOnlySpan<uint>(in upperOffset)));
            upperOffset += (uint)(storage.Levels[node] * storage.UpperStride);
        }

        writer.Append(MemoryMarshal.AsBytes(new ReadOnlySpan<uint>(in upperOffset)));
        header.Table[(int)SegmentBlock.UpperOffsets] = writer.End();

        writer.Begin();
        for (int node = 0; node < nodeCount; node++)
        {
            for (int level = 1; level <= storage.Levels[node]; level++)
            {
                AppendList(writer, storage.LockedList(node, level), list.AsSpan(0, storage.UpperStride));
            }
        }

        header.Table[(int)SegmentBlock.UpperLinks] = writer.End();

        writer.Begin();
        writer.Append(MemoryMarshal.AsBytes(storage.Ids.AsSpan(0, nodeCount)));
        header.Table[(int)SegmentBlock.Ids] = writer.End();

        int[] liveNodesById = LiveNodesById(storage, nodeCount);
        header.LiveCount = (uint)liveNodesById.Length;
        writer.Begin();
        writer.Append(MemoryMarshal.AsBytes(liveNodesById.AsSpan()));
        header.Table[(int)SegmentBlock.IdIndex] = writer.End();

        var deleted = new ulong[(nodeCount + 63) / 64];
        for (int node = 0; node < nodeCount; node++)
        {
            if (storage.Deleted[node] != 0)
            {
                deleted[node >> 6] |= 1UL << (node & 63);
            }
        }

        writer.Begin();
        writer.Append(MemoryMarshal.AsBytes(deleted.AsSpan()));
        header.Table[(int)SegmentBlock.Deleted] = writer.End();
        return header;
    }

    /// <summary>Writes a list with its unused slots zeroed (they may hold links pruned away), so equal graphs give equal files.</summary>
    private static void AppendList(SegmentBlockWriter writer, ReadOnlySpan<int> source, Span<int> list)
    {
        int count = source[0];
        source[..(1 + count)].CopyTo(list);
        list[(1 + count)..].Clear();
        writer.Append(MemoryMarshal.AsBytes(list));
    }

    private static int[] LiveNodesById(GraphStorage storage, int nodeCount)
    {
        var ids = new List<long>(nodeCount);
        var nodes = new List<int>(nodeCount);
        for (int node = 0; node < nodeCount; node++)
        {
            if (storage.Deleted[node] == 0)
            {
                ids.Add(storage.Ids[node]);
                nodes.Add(node);
            }
        }

        long[] keys = [.. ids];
        int[] items = [.. nodes];
        Array.Sort(keys, items);
        return items;
    }
}
