using System.Diagnostics;
using RocksDbSharp;

namespace AgentDb.Storage;

/// <summary>
/// A value read with RocksDB's pinned get: a view of the block cache's (or memtable's) bytes, held until
/// <see cref="Dispose"/>, with no copy into a new buffer — where a plain get mallocs a copy that the caller copies again.
/// </summary>
internal readonly unsafe ref struct PinnedValue
{
    private readonly IntPtr _slice;

    private PinnedValue(IntPtr slice, ReadOnlySpan<byte> value)
    {
        _slice = slice;
        Value = value;
    }

    /// <summary>Whether the key was found.</summary>
    public bool Found => _slice != IntPtr.Zero;

    /// <summary>The value's bytes; valid until <see cref="Dispose"/>.</summary>
    public ReadOnlySpan<byte> Value { get; }

    /// <summary>Reads <paramref name="key"/> of <paramref name="columnFamily"/>; not found gives a value with <see cref="Found"/> false.</summary>
    /// <exception cref="RocksDbException">RocksDB reported an error.</exception>
    public static PinnedValue Get(RocksDb db, ReadOptions options, ColumnFamilyHandle columnFamily, ReadOnlySpan<byte> key)
    {
        IntPtr slice;
        IntPtr error;
        fixed (byte* keyBytes = key)
        {
            slice = Native.Instance.rocksdb_get_pinned_cf(db.Handle, options.Handle, columnFamily.Handle, keyBytes, (UIntPtr)key.Length, out error);
        }

        if (error != IntPtr.Zero)
        {
            throw new RocksDbException(error);
        }

        if (slice == IntPtr.Zero)
        {
            return default;
        }

        IntPtr data = Native.Instance.rocksdb_pinnableslice_value(slice, out UIntPtr length);
        Debug.Assert(length <= int.MaxValue, "a RocksDB value over 2 GiB");
        return new PinnedValue(slice, new ReadOnlySpan<byte>((void*)data, (int)length));
    }

    /// <summary>Releases the pin.</summary>
    public void Dispose()
    {
        if (_slice != IntPtr.Zero)
        {
            Native.Instance.rocksdb_pinnableslice_destroy(_slice);
        }
    }
}
