using System.Buffers.Binary;
using System.IO.Hashing;

namespace AgentDb.Log;

/// <summary>
/// Address ranges of the FASTER log that recovery cut off as a torn tail. FASTER cannot shorten a committed log, so new
/// entries go after the damaged bytes and every scan jumps over these ranges. Persisted in its own small file:
/// <code>
///  0  u32 magic 'ADBC'   4  u16 version 1   6  u16 reserved   8  i32 count
/// 12  count × (i64 from, i64 to)            then u64 XxHash3 of everything before it
/// </code>
/// Written to a temporary file, flushed, then renamed over the old one, before any entry is appended after a cut.
/// Not thread-safe: the owner serialises access.
/// </summary>
internal sealed class LogCutList
{
    private const uint Magic = 0x43424441; // "ADBC"
    private const ushort Version = 1;
    private const int HeaderSize = 12;

    private readonly string _path;
    private readonly List<LogAddressRange> _ranges = new();

    private LogCutList(string path)
    {
        _path = path;
    }

    public IReadOnlyList<LogAddressRange> Ranges => _ranges;

    /// <summary>Loads the list, or starts an empty one when the file does not exist.</summary>
    /// <exception cref="IOException">The file exists but is damaged; the message names it.</exception>
    public static LogCutList Load(string path)
    {
        var list = new LogCutList(path);
        if (!File.Exists(path))
        {
            return list;
        }

        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < HeaderSize + sizeof(ulong)
            || BinaryPrimitives.ReadUInt32LittleEndian(bytes) != Magic
            || BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)) != Version)
        {
            throw new IOException($"The log cut file '{path}' is damaged or of an unknown version.");
        }

        int count = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8));
        long expectedLength = HeaderSize + (16L * count) + sizeof(ulong);
        if (count < 0 || bytes.Length != expectedLength)
        {
            throw new IOException($"The log cut file '{path}' has {bytes.Length} bytes; {count} ranges need {expectedLength}.");
        }

        int bodyLength = bytes.Length - sizeof(ulong);
        if (XxHash3.HashToUInt64(bytes.AsSpan(0, bodyLength)) != BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(bodyLength)))
        {
            throw new IOException($"The log cut file '{path}' fails its checksum.");
        }

        for (int i = 0; i < count; i++)
        {
            int offset = HeaderSize + (16 * i);
            list._ranges.Add(new LogAddressRange(
                BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(offset)),
                BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(offset + 8))));
        }

        return list;
    }

    /// <summary>Records a new cut (after every existing one) and persists the list before returning.</summary>
    public void Add(long from, long to)
    {
        _ranges.Add(new LogAddressRange(from, to));
        Save();
    }

    /// <summary>Forgets cuts that lie wholly below <paramref name="address"/> (the log's new begin address).</summary>
    public void RemoveBelow(long address)
    {
        int removed = _ranges.RemoveAll(r => r.To <= address);
        if (removed > 0)
        {
            Save();
        }
    }

    private void Save()
    {
        if (_ranges.Count == 0)
        {
            File.Delete(_path);
            return;
        }

        byte[] bytes = new byte[HeaderSize + (16 * _ranges.Count) + sizeof(ulong)];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), Version);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), _ranges.Count);
        for (int i = 0; i < _ranges.Count; i++)
        {
            int offset = HeaderSize + (16 * i);
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(offset), _ranges[i].From);
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(offset + 8), _ranges[i].To);
        }

        int bodyLength = bytes.Length - sizeof(ulong);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(bodyLength), XxHash3.HashToUInt64(bytes.AsSpan(0, bodyLength)));

        string temporary = _path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, _path, overwrite: true);
    }
}
