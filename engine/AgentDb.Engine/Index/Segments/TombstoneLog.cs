using System.Buffers.Binary;

namespace AgentDb.Index.Segments;

/// <summary>
/// The deletes made in one immutable segment after it was written: an append-only file beside it
/// (<c>&lt;segment&gt;.deleted</c>) of little-endian int64 ids. A torn last record (fewer than 8 bytes, from a crash
/// mid-write) is dropped when the log is opened. Each append reaches the operating system before it returns;
/// <see cref="FlushToDisk"/> makes the appends so far durable.
/// </summary>
internal sealed class TombstoneLog : IDisposable
{
    private const int RecordSize = sizeof(long);

    private readonly FileStream _file;
    private readonly List<long> _ids;

    private TombstoneLog(FileStream file, List<long> ids)
    {
        _file = file;
        _ids = ids;
    }

    /// <summary>The ids logged so far, oldest first. Read and appended only under the collection's write lock.</summary>
    public IReadOnlyList<long> Ids => _ids;

    /// <summary>Opens (creating if absent) the log at <paramref name="path"/> and reads what it holds.</summary>
    public static TombstoneLog Open(string path)
    {
        var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
        try
        {
            long whole = file.Length / RecordSize * RecordSize;
            var ids = new List<long>((int)(whole / RecordSize));
            var record = new byte[RecordSize];
            while (file.Position < whole)
            {
                file.ReadExactly(record);
                ids.Add(BinaryPrimitives.ReadInt64LittleEndian(record));
            }

            file.SetLength(whole);
            file.Position = whole;
            return new TombstoneLog(file, ids);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public void Append(long id)
    {
        Span<byte> record = stackalloc byte[RecordSize];
        BinaryPrimitives.WriteInt64LittleEndian(record, id);
        _file.Write(record);
        _file.Flush();
        _ids.Add(id);
    }

    public void FlushToDisk() => _file.Flush(flushToDisk: true);

    public void Dispose() => _file.Dispose();
}
