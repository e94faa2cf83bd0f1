using System.IO.Hashing;
using System.Text;

namespace AgentDb.Memory.Reflexion;

/// <summary>
/// Episode ids and task-index keys. A generated id starts with its task's hash (<see cref="TaskIdPrefixLength"/> hex
/// digits), so a prefix scan of the episodes finds a task's episodes without a task-index record; only episodes whose id
/// does not start with their task's hash (caller ids) get a record in the task index (<see cref="TaskPrefix"/>).
/// </summary>
internal static class EpisodeIds
{
    /// <summary>The length of a generated id: 16 hex digits of the task hash, 16 of Unix ms, 8 of a counter.</summary>
    public const int GeneratedIdLength = TaskIdPrefixLength + 24;

    /// <summary>The length of the task-hash prefix of a generated id (the high 64 bits of XXH128 of the task's UTF-8).</summary>
    public const int TaskIdPrefixLength = 16;

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

    /// <summary>
    /// A new id for an episode of the task with hash <paramref name="taskHash"/>: 16 hex digits of that hash, then 16 of Unix ms and 8 of
    /// a per-process counter, so a task's ids sort by creation time.
    /// </summary>
    public static string NewId(UInt128 taskHash) => NewId((ulong)(taskHash >> 64));

    private static string NewId(ulong taskHash)
    {
        long ms = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        uint sequence = (uint)Interlocked.Increment(ref s_counter);
        return string.Create(GeneratedIdLength, (taskHash, ms, sequence), static (span, state) =>
        {
            state.taskHash.TryFormat(span[..16], out _, "x16");
            state.ms.TryFormat(span[16..32], out _, "x16");
            state.sequence.TryFormat(span[32..], out _, "x8");
        });
    }

    /// <summary>The prefix every generated id of the task with hash <paramref name="taskHash"/> starts with.</summary>
    public static string TaskIdPrefix(UInt128 taskHash) =>
        ((ulong)(taskHash >> 64)).ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Whether episode <paramref name="id"/> of the task with hash <paramref name="taskHash"/> is found by a prefix scan
    /// of the episodes (its id starts with the task's <see cref="TaskIdPrefix"/>) and so has no task-index record. True for
    /// every generated id, whatever the caller later does with it; false for caller ids (but for a 2^-64 chance).
    /// </summary>
    public static bool IsSelfIndexed(string id, UInt128 taskHash)
    {
        if (id.Length < TaskIdPrefixLength)
        {
            return false;
        }

        Span<char> prefix = stackalloc char[TaskIdPrefixLength];
        ((ulong)(taskHash >> 64)).TryFormat(prefix, out _, "x16");
        return id.AsSpan(0, TaskIdPrefixLength).SequenceEqual(prefix);
    }

    /// <summary>The exclusive upper bound of ids starting with <paramref name="prefix"/> (its last character raised by one).</summary>
    public static string PrefixEnd(string prefix) => string.Create(prefix.Length, prefix, static (span, p) =>
    {
        p.AsSpan().CopyTo(span);
        span[^1]++;
    });

    /// <summary>The task-index key prefix of the task with hash <paramref name="taskHash"/>: XXH128 of its UTF-8 as 32 lowercase hex digits and a colon.</summary>
    public static string TaskPrefix(UInt128 taskHash) => string.Create(TaskPrefixLength, taskHash, static (span, value) =>
    {
        value.TryFormat(span[..32], out _, "x32");
        span[32] = ':';
    });

    /// <summary>XXH128 of the UTF-8 of <paramref name="task"/>.</summary>
    public static UInt128 TaskHash(string task)
    {
        int max = Encoding.UTF8.GetMaxByteCount(task.Length);
        byte[]? rented = null;
        Span<byte> utf8 = max <= 1024 ? stackalloc byte[max] : (rented = System.Buffers.ArrayPool<byte>.Shared.Rent(max));
        try
        {
            int length = Encoding.UTF8.GetBytes(task, utf8);
            return XxHash128.HashToUInt128(utf8[..length]);
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
