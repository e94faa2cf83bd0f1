using System.IO.Hashing;
using System.Text;

namespace AgentDb.Memory.Reflexion;

/// <summary>Episode ids and task-index keys.</summary>
internal static class EpisodeIds
{
    /// <summary>
    /// The longest caller id (UTF-8 bytes): the task-index key is the 32-hex task hash, a colon and the id, and must fit
    /// the engine's 512-byte id limit.
    /// </summary>
    public const int MaxIdBytes = AgentDatabase.MaxIdBytes - TaskPrefixLength;

    /// <summary>The length of a task-index key's prefix: 32 hex digits and a colon.</summary>
    public const int TaskPrefixLength = 33;

    // Starts at a random point so ids made in the same millisecond by two processes are unlikely to meet; within a
    // process the counter makes them unique (a random suffix alone would collide in a 1,000-episode batch about once
    // in 8,600 batches).
    private static int s_counter = Random.Shared.Next();

    /// <summary>A new time-ordered id: 16 hex digits of Unix ms, then 8 hex digits of a per-process counter.</summary>
    public static string NewId()
    {
        long ms = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        uint sequence = (uint)Interlocked.Increment(ref s_counter);
        return string.Create(24, (ms, sequence), static (span, state) =>
        {
            state.ms.TryFormat(span[..16], out _, "x16");
            state.sequence.TryFormat(span[16..], out _, "x8");
        });
    }

    /// <summary>The task-index key prefix of <paramref name="task"/>: XXH128 of its UTF-8 as 32 lowercase hex digits and a colon.</summary>
    public static string TaskPrefix(string task)
    {
        int max = Encoding.UTF8.GetMaxByteCount(task.Length);
        byte[]? rented = null;
        Span<byte> utf8 = max <= 1024 ? stackalloc byte[max] : (rented = System.Buffers.ArrayPool<byte>.Shared.Rent(max));
        try
        {
            int length = Encoding.UTF8.GetBytes(task, utf8);
            UInt128 hash = XxHash128.HashToUInt128(utf8[..length]);
            return string.Create(TaskPrefixLength, hash, static (span, value) =>
            {
                value.TryFormat(span[..32], out _, "x32");
                span[32] = ':';
            });
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>The exclusive upper bound of keys starting with <paramref name="prefix"/> (its colon raised to ';').</summary>
    public static string TaskPrefixEnd(string prefix) => string.Concat(prefix.AsSpan(0, TaskPrefixLength - 1), ";");
}
