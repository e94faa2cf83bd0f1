using System.Diagnostics;
using RocksDbSharp;

namespace AgentDb.Storage;

/// <summary>
/// The apply path's existence check for a whole log entry at once: the record headers of many keys of one column family
/// in one <c>rocksdb_batched_multi_get_cf</c> call (one super-version reference, one bloom-filter pass per table file,
/// one P/Invoke) instead of one point get per key. Owns pinned scratch arrays sized to the largest lookup seen.
/// Not thread-safe: one per record store, used under the apply turn.
/// </summary>
internal sealed unsafe class RecordHeaderLookup
{
    private IntPtr[] _keyPointers = [];
    private UIntPtr[] _keySizes = [];
    private IntPtr[] _values = [];
    private IntPtr[] _errors = [];

    /// <summary>
    /// Looks up the keys <c>keyBytes[keyStarts[i]..(keyStarts[i] + keyLengths[i])]</c> and writes each one's header to
    /// <paramref name="headers"/> (<c>default</c>, with <see cref="RecordHeader.Found"/> false, for a missing key).
    /// <paramref name="keyBytes"/> must be a pinned array (<see cref="GC.AllocateUninitializedArray{T}(int, bool)"/>): the
    /// key pointers are taken once, before the call.
    /// </summary>
    /// <exception cref="RocksDbException">RocksDB reported an error for a key.</exception>
    /// <exception cref="InvalidDataException">A stored value is damaged.</exception>
    public void Lookup(RocksDb db, ReadOptions options, ColumnFamilyHandle family, byte[] keyBytes, ReadOnlySpan<int> keyStarts, ReadOnlySpan<int> keyLengths, Span<RecordHeader> headers)
    {
        int count = keyStarts.Length;
        Debug.Assert(keyLengths.Length == count && headers.Length == count, "one start, length and header per key");
        if (count == 0)
        {
            return;
        }

        Reserve(count);
        fixed (byte* keyBase = keyBytes)
        {
            for (int i = 0; i < count; i++)
            {
                Debug.Assert(keyStarts[i] >= 0 && keyStarts[i] + keyLengths[i] <= keyBytes.Length, "a key inside the key buffer");
                _keyPointers[i] = (IntPtr)(keyBase + keyStarts[i]);
                _keySizes[i] = (UIntPtr)keyLengths[i];
            }
        }

        fixed (IntPtr* keys = _keyPointers)
        fixed (UIntPtr* sizes = _keySizes)
        fixed (IntPtr* values = _values)
        {
            Native.Instance.rocksdb_batched_multi_get_cf(db.Handle, options.Handle, family.Handle, (UIntPtr)count, (IntPtr)keys, (IntPtr)sizes, (IntPtr)values, _errors, 0);
        }

        // Every slice is destroyed and every error freed, even when one of them throws.
        Exception? failure = null;
        for (int i = 0; i < count; i++)
        {
            IntPtr error = _errors[i];
            IntPtr slice = _values[i];
            _errors[i] = IntPtr.Zero;
            _values[i] = IntPtr.Zero;
            if (error != IntPtr.Zero)
            {
                failure ??= new RocksDbException(error); // frees the native message
                if (slice != IntPtr.Zero)
                {
                    Native.Instance.rocksdb_pinnableslice_destroy(slice);
                }

                continue;
            }

            if (slice == IntPtr.Zero)
            {
                headers[i] = default;
                continue;
            }

            try
            {
                if (failure is null)
                {
                    IntPtr data = Native.Instance.rocksdb_pinnableslice_value(slice, out UIntPtr length);
                    Debug.Assert(length <= int.MaxValue, "a RocksDB value over 2 GiB");
                    headers[i] = RecordValueCodec.ReadHeader(new ReadOnlySpan<byte>((void*)data, (int)length));
                }
            }
            catch (InvalidDataException exception)
            {
                failure = exception;
            }
            finally
            {
                Native.Instance.rocksdb_pinnableslice_destroy(slice);
            }
        }

        if (failure is not null)
        {
            throw failure;
        }
    }

    private void Reserve(int count)
    {
        if (_keyPointers.Length >= count)
        {
            return;
        }

        int size = Math.Max(count, _keyPointers.Length * 2);
        _keyPointers = new IntPtr[size];
        _keySizes = new UIntPtr[size];
        _values = new IntPtr[size];
        _errors = new IntPtr[size];
    }
}
