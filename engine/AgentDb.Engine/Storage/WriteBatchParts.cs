using System.Diagnostics;
using RocksDbSharp;

namespace AgentDb.Storage;

/// <summary>
/// Puts a value given in parts into a RocksDB write batch (<c>rocksdb_writebatch_putv_cf</c>: the parts are concatenated
/// straight into the batch), so a record's payload and vector go from the log entry into the batch without being
/// assembled in a scratch buffer first.
/// </summary>
internal static class WriteBatchParts
{
    /// <summary>Puts <paramref name="key"/> → <paramref name="head"/> ‖ <paramref name="middle"/> ‖ <paramref name="tail"/>.</summary>
    public static unsafe void Put(
        WriteBatch batch, ColumnFamilyHandle family, ReadOnlySpan<byte> key, ReadOnlySpan<byte> head, ReadOnlySpan<byte> middle, ReadOnlySpan<byte> tail)
    {
        Debug.Assert(!key.IsEmpty && !head.IsEmpty, "a key and a value header are always present");
        IntPtr* parts = stackalloc IntPtr[3];
        UIntPtr* sizes = stackalloc UIntPtr[3];
        fixed (byte* k = key, h = head, m = middle, t = tail)
        {
            IntPtr keyPointer = (IntPtr)k;
            UIntPtr keySize = (UIntPtr)key.Length;
            int count = 0;
            parts[count] = (IntPtr)h;
            sizes[count++] = (UIntPtr)head.Length;
            if (!middle.IsEmpty)
            {
                parts[count] = (IntPtr)m;
                sizes[count++] = (UIntPtr)middle.Length;
            }

            if (!tail.IsEmpty)
            {
                parts[count] = (IntPtr)t;
                sizes[count++] = (UIntPtr)tail.Length;
            }

            batch.PutvCf(family.Handle, 1, (IntPtr)(&keyPointer), (IntPtr)(&keySize), count, (IntPtr)parts, (IntPtr)sizes);
        }
    }
}
