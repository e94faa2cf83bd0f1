using System.Buffers.Binary;
using System.IO.Hashing;
using AgentDb.Index.Segments;
using FASTER.core;
using Microsoft.Win32.SafeHandles;

namespace AgentDb.Log;

/// <summary>
/// FASTER's commit records kept in one file, rewritten in place: two fixed slots, a commit going to slot
/// <c>commitNum &amp; 1</c>, so it overwrites the commit before the previous one and a torn write leaves the previous
/// commit intact. FASTER's default manager creates a new file per commit and deletes an old one, each with its own
/// synchronous metadata updates; here a commit is one synchronous write (the file is opened write-through).
/// </summary>
/// <remarks>
/// <para>File <c>wal.commit</c> in the commit directory, two slots of <see cref="SlotBytes"/> bytes. A slot
/// (little-endian): magic <c>AWC1</c> (u32), commit number (i64), metadata length (i32), XxHash64 of the commit number,
/// length and metadata (u64), then the metadata (FASTER's serialised recovery info). A slot is valid when its magic,
/// length and checksum hold; recovery uses the valid slot with the higher commit number.</para>
/// <para>A log directory written by FASTER's own manager (commit files, no <c>wal.commit</c>) is read through that
/// manager until the first commit here; its files are deleted once this file holds a valid commit.</para>
/// </remarks>
internal sealed class InPlaceLogCommitManager : ILogCommitManager
{
    /// <summary>The commit record file's name.</summary>
    public const string FileName = "wal.commit";

    /// <summary>Bytes per slot; a commit record with more metadata is refused.</summary>
    public const int SlotBytes = 4096;

    private const uint Magic = 0x31435741; // "AWC1" little-endian
    private const int HeaderBytes = 24;

    private readonly string _directory;
    private readonly string _path;
    private readonly Lock _lock = new();
    private readonly byte[] _slot = new byte[SlotBytes];
    private SafeFileHandle? _handle;
    private DeviceLogCommitCheckpointManager? _legacy;
    private long _nextCommitNum = 1;
    private bool _disposed;

    /// <summary>Opens (creating when absent) the commit record file in <paramref name="directory"/>.</summary>
    /// <exception cref="IOException">The file cannot be opened or created.</exception>
    public InPlaceLogCommitManager(string directory)
    {
        _directory = directory;
        _path = Path.Combine(directory, FileName);
        Directory.CreateDirectory(directory);
        bool created = !File.Exists(_path);
        if (created && Directory.EnumerateFileSystemEntries(directory).Any())
        {
            // Commit files of FASTER's own manager: recover through it until the first commit lands here.
            _legacy = new DeviceLogCommitCheckpointManager(new LocalStorageNamedDeviceFactory(), new DefaultCheckpointNamingScheme(directory));
        }

        _handle = File.OpenHandle(_path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, FileOptions.WriteThrough);
        if (created)
        {
            RandomAccess.Write(_handle, new byte[2 * SlotBytes], 0); // both slots exist (and are invalid) before the name is synced
            DirectorySync.Flush(directory);
        }

        for (int i = 0; i < 2; i++)
        {
            if (TryReadSlot(i, out long commitNum, out _))
            {
                _nextCommitNum = Math.Max(_nextCommitNum, commitNum + 1);
            }
        }
    }

    /// <summary>
    /// Writes <paramref name="commitMetadata"/> as the next commit (numbered here, one above the newest in the file; the
    /// proposed <paramref name="commitNum"/> is not used) into its slot and returns once it is on stable storage.
    /// </summary>
    /// <exception cref="IOException">The metadata does not fit in a slot, or the write failed.</exception>
    public void Commit(long beginAddress, long untilAddress, byte[] commitMetadata, long commitNum, bool forceWriteMetadata)
    {
        ArgumentNullException.ThrowIfNull(commitMetadata);
        if (commitMetadata.Length > SlotBytes - HeaderBytes)
        {
            throw new IOException($"A log commit record of {commitMetadata.Length} bytes does not fit in a {SlotBytes}-byte slot of '{_path}'.");
        }

        lock (_lock)
        {
            if (_disposed)
            {
                // FASTER may still run a commit it was asked for just before the log closed (the truncation commit
                // of a checkpoint at close): skipped, as FASTER's own manager does. Throwing here, inside FASTER's
                // completion, would leave its device waiting for the I/O forever. The data commit before the close
                // was synchronous; a skipped truncation commit only means recovery starts at the older begin address.
                return;
            }

            // Our own numbering, whatever FASTER proposes: the slot order must follow the write order, including after
            // a reopen, and FASTER asks back only for numbers ListCommits gave it.
            commitNum = _nextCommitNum++;
            Span<byte> slot = _slot.AsSpan(0, HeaderBytes + commitMetadata.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(slot, Magic);
            BinaryPrimitives.WriteInt64LittleEndian(slot[4..], commitNum);
            BinaryPrimitives.WriteInt32LittleEndian(slot[12..], commitMetadata.Length);
            commitMetadata.CopyTo(slot[HeaderBytes..]);
            BinaryPrimitives.WriteUInt64LittleEndian(slot[16..], Checksum(slot));
            RandomAccess.Write(_handle!, slot, (commitNum & 1) * SlotBytes); // write-through: durable when it returns
            if (_legacy is not null)
            {
                _legacy.RemoveAllCommits(); // this file now holds a newer valid commit
                _legacy.Dispose();
                _legacy = null;
            }
        }
    }

    /// <summary>The valid commits, newest first (FASTER recovers from the first it can read).</summary>
    public IEnumerable<long> ListCommits()
    {
        lock (_lock)
        {
            var commits = new List<long>(2);
            if (_disposed)
            {
                return commits;
            }

            for (int i = 0; i < 2; i++)
            {
                if (TryReadSlot(i, out long commitNum, out _))
                {
                    commits.Add(commitNum);
                }
            }

            commits.Sort(static (a, b) => b.CompareTo(a));
            if (commits.Count == 0 && _legacy is not null)
            {
                commits.AddRange(_legacy.ListCommits());
            }

            return commits;
        }
    }

    /// <summary>The metadata of commit <paramref name="commitNum"/>, or null when no valid slot holds it.</summary>
    public byte[] GetCommitMetadata(long commitNum)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return null!;
            }

            if (TryReadSlot((int)(commitNum & 1), out long found, out byte[]? metadata) && found == commitNum)
            {
                return metadata!;
            }

            return _legacy?.GetCommitMetadata(commitNum)!;
        }
    }

    /// <summary>Nothing to remove: a slot is overwritten by the commit after next.</summary>
    public void RemoveCommit(long commitNum)
    {
    }

    /// <summary>Invalidates both slots.</summary>
    public void RemoveAllCommits()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            RandomAccess.Write(_handle!, new byte[2 * SlotBytes], 0);
            _legacy?.RemoveAllCommits();
        }
    }

    /// <summary>Nothing to do: commits continue above the newest in the file.</summary>
    public void OnRecovery(long commitNum)
    {
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _handle?.Dispose();
            _handle = null;
            _legacy?.Dispose();
            _legacy = null;
        }
    }

    private static ulong Checksum(ReadOnlySpan<byte> slot)
    {
        var hash = new XxHash64();
        hash.Append(slot[4..16]);
        hash.Append(slot[HeaderBytes..]);
        return hash.GetCurrentHashAsUInt64();
    }

    private bool TryReadSlot(int index, out long commitNum, out byte[]? metadata)
    {
        commitNum = 0;
        metadata = null;
        Span<byte> slot = _slot;
        int read = RandomAccess.Read(_handle!, slot, (long)index * SlotBytes);
        if (read < HeaderBytes || BinaryPrimitives.ReadUInt32LittleEndian(slot) != Magic)
        {
            return false;
        }

        int length = BinaryPrimitives.ReadInt32LittleEndian(slot[12..]);
        if (length < 0 || length > read - HeaderBytes)
        {
            return false;
        }

        if (Checksum(slot[..(HeaderBytes + length)]) != BinaryPrimitives.ReadUInt64LittleEndian(slot[16..]))
        {
            return false;
        }

        commitNum = BinaryPrimitives.ReadInt64LittleEndian(slot[4..]);
        metadata = slot.Slice(HeaderBytes, length).ToArray();
        return true;
    }
}
