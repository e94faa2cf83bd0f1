using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace AgentDb.Failover;

/// <summary>
/// A checksummed record of the lowest Raft term a member may restart at (<c>DIR/raft/term-floor</c>): the term DotNext's
/// own state file (<c>DIR/raft/state</c>, see <see cref="RaftStateStore"/>) held when it was last written. It lets a
/// restart tell a damaged or lost DotNext state (whose file has no checksum) from a member that never ran: the member
/// refuses to start rather than come back at a lower term, where it could vote a second time. Layout, little-endian,
/// 24 bytes:
/// <code>
///  0  u32 magic 'ADBT'   4  u16 version 1   6  u16 reserved (0)   8  i64 term   16  u64 XxHash3 of bytes 0–15
/// </code>
/// Written to <c>term-floor.tmp</c>, flushed to disk, renamed over the file, then the directory is flushed (Linux), so a
/// crash leaves the old or the new record, never a torn one.
/// </summary>
public static class RaftStateFile
{
    /// <summary>The file's name inside the Raft state directory.</summary>
    public const string FileName = "term-floor";

    /// <summary>The file's size in bytes.</summary>
    public const int Size = 24;

    private const uint Magic = 0x54424441; // "ADBT"
    private const ushort Version = 1;
    private const int ChecksumOffset = 16;

    /// <summary>The term recorded at <paramref name="path"/>; null when the file does not exist. A leftover <c>.tmp</c> file is ignored.</summary>
    /// <exception cref="InvalidDataException">The file exists but is damaged (size, magic, version, reserved bits, term or
    /// checksum); the message names the file and what is wrong.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static long? Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            return null;
        }
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length != Size)
        {
            throw Damaged(path, $"it has {bytes.Length} bytes, not {Size}");
        }
        if (BinaryPrimitives.ReadUInt32LittleEndian(bytes) != Magic)
        {
            throw Damaged(path, "bad magic at offset 0");
        }
        var version = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4));
        if (version != Version)
        {
            throw Damaged(path, $"unknown version {version} at offset 4");
        }
        if (XxHash3.HashToUInt64(bytes.AsSpan(0, ChecksumOffset)) != BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(ChecksumOffset)))
        {
            throw Damaged(path, $"checksum mismatch (offset {ChecksumOffset})");
        }
        if (BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(6)) != 0)
        {
            throw Damaged(path, "reserved bits set at offset 6");
        }
        var term = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8));
        return term >= 0 ? term : throw Damaged(path, $"negative term {term} at offset 8");
    }

    /// <summary>Replaces the record at <paramref name="path"/> durably (temporary file, flush, rename, directory flush) before returning.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="term"/> is negative.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Save(string path, long term)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfNegative(term);
        Span<byte> bytes = stackalloc byte[Size];
        bytes.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes[4..], Version);
        BinaryPrimitives.WriteInt64LittleEndian(bytes[8..], term);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[ChecksumOffset..], XxHash3.HashToUInt64(bytes[..ChecksumOffset]));

        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.WriteThrough))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
        FlushDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    private static InvalidDataException Damaged(string path, string why) =>
        new($"The Raft term record '{path}' is damaged: {why}. {RaftStateStore.RefusalAdvice}");

    /// <summary>Makes a rename in <paramref name="directory"/> durable (Linux: fsync of the directory; elsewhere nothing).</summary>
    private static void FlushDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        var fd = NativeMethods.Open(directory, NativeMethods.ReadOnly);
        if (fd < 0)
        {
            throw new IOException($"Cannot open directory '{directory}' to flush it (errno {Marshal.GetLastPInvokeError()}).");
        }
        try
        {
            if (NativeMethods.Fsync(fd) != 0)
            {
                throw new IOException($"Cannot flush directory '{directory}' (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = NativeMethods.Close(fd);
        }
    }
}
