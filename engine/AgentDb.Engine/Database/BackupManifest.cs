using System.Buffers.Binary;
using System.IO.Hashing;

namespace AgentDb;

/// <summary>
/// The <c>BACKUP</c> file of a backup directory: <c>u32 magic 'ADBB', u16 version 1, u16 reserved, i64 appliedLsn,
/// i64 createdUnixMs, u64 XxHash3 of the preceding 24 bytes</c>. Beside it, <c>rocksdb/</c> holds the record store
/// checkpoint and <c>index/c{collectionId}/</c> (optional) the index segments of the last checkpoint, each directory
/// with its own manifest naming the LSN its segments reflect (at most the backup's); a collection without one is
/// rebuilt from the records on open.
/// </summary>
internal static class BackupManifest
{
    public const string FileName = "BACKUP";
    public const string StoreDirectoryName = "rocksdb";
    public const string IndexDirectoryName = "index";
    private const uint Magic = 0x42424441; // "ADBB"
    private const ushort Version = 1;
    private const int Size = 32;

    public static void Write(string directory, long appliedLsn, long createdUnixMs)
    {
        byte[] bytes = new byte[Size];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), Version);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8), appliedLsn);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(16), createdUnixMs);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(24), XxHash3.HashToUInt64(bytes.AsSpan(0, 24)));
        using var stream = new FileStream(Path.Combine(directory, FileName), FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough);
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }

    /// <exception cref="InvalidDataException">The file is missing, damaged or of another version; the message names it.</exception>
    public static (long AppliedLsn, long CreatedUnixMs) Read(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"'{directory}' is not a backup: it has no {FileName} file.");
        }

        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length != Size || BinaryPrimitives.ReadUInt32LittleEndian(bytes) != Magic
            || BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)) != Version
            || XxHash3.HashToUInt64(bytes.AsSpan(0, 24)) != BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(24)))
        {
            throw new InvalidDataException($"The backup manifest '{path}' is damaged or of an unknown version.");
        }

        return (BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8)), BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(16)));
    }
}
