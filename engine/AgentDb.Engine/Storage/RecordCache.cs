using System.Buffers.Binary;
using System.Diagnostics;

namespace AgentDb.Storage;

/// <summary>
/// A bounded cache of stored record values (the bytes RocksDB holds under a record key), in front of the record store's
/// point reads: a hit is one hash lookup under a shard lock instead of RocksDB's pinned get (which, even from its row
/// cache, costs more than Redis's whole GET; see docs/BENCHMARKS.md, issue 6).
/// </summary>
/// <remarks>
/// Keys are <c>[collection id: i64 LE][record id: UTF-8]</c> (<see cref="WriteKey"/>); values are immutable arrays,
/// so a reader may use one after leaving the lock. Only found records are cached.
/// <para>
/// Coherence with writes. The store writes RocksDB first and then calls <see cref="Invalidate"/> for every record the
/// write touched, before it publishes the applied LSN and before the write is acknowledged. A reader that misses takes
/// a ticket (its shard's generation) under the lock, reads RocksDB, and adds the value with <see cref="TryAdd"/> only
/// if the shard's generation is still its ticket; every invalidation bumps the generation, so a value read before a
/// write can never be added after that write's invalidation. Hence once a write is acknowledged, no reader is served an
/// older value of its record. (While a write is in flight — RocksDB written, invalidation not yet done — a reader may
/// still get the previous value, as it would have just before the write.)
/// </para>
/// <para>
/// Bounds: the budget is split over <see cref="ShardCount"/> shards; each evicts in insertion order (FIFO) once over its
/// share, and values larger than a quarter of a shard's share are not cached. The eviction queue may hold keys already
/// invalidated; it is rebuilt when it grows past twice the shard's entries.
/// </para>
/// </remarks>
internal sealed class RecordCache
{
    /// <summary>Shards, each with its own lock, table and budget (a power of two).</summary>
    public const int ShardCount = 64;

    /// <summary>Bytes counted per entry on top of its key and value (array headers, table slot).</summary>
    public const int EntryOverheadBytes = 96;

    /// <summary>The longest key <see cref="WriteKey"/> writes.</summary>
    public const int MaxKeyLength = sizeof(long) + StorageKeys.MaxRecordKeyLength;

    private readonly Shard[] _shards;
    private readonly long _shardBudget;

    /// <param name="capacityBytes">The budget over all shards, counting keys, values and <see cref="EntryOverheadBytes"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">The capacity is not positive.</exception>
    public RecordCache(long capacityBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacityBytes);
        CapacityBytes = capacityBytes;
        _shardBudget = Math.Max(1, capacityBytes / ShardCount);
        _shards = new Shard[ShardCount];
        for (int i = 0; i < _shards.Length; i++)
        {
            _shards[i] = new Shard();
        }
    }

    /// <summary>The budget given at construction.</summary>
    public long CapacityBytes { get; }

    /// <summary>The largest value that is cached.</summary>
    public long MaxValueBytes => _shardBudget / 4;

    /// <summary>Bytes currently counted over all shards (a moment's sum, for tests and stats).</summary>
    public long CountedBytes
    {
        get
        {
            long total = 0;
            foreach (Shard shard in _shards)
            {
                lock (shard.Gate)
                {
                    total += shard.Bytes;
                }
            }

            return total;
        }
    }

    /// <summary>Entries currently cached over all shards.</summary>
    public int Count
    {
        get
        {
            int total = 0;
            foreach (Shard shard in _shards)
            {
                lock (shard.Gate)
                {
                    total += shard.Entries.Count;
                }
            }

            return total;
        }
    }

    /// <summary>Writes the cache key of record <paramref name="idUtf8"/> of collection <paramref name="collectionId"/>.</summary>
    /// <returns>The key's length.</returns>
    public static int WriteKey(Span<byte> destination, long collectionId, ReadOnlySpan<byte> idUtf8)
    {
        Debug.Assert(destination.Length >= sizeof(long) + idUtf8.Length, "the destination must hold the id and 8 bytes");
        BinaryPrimitives.WriteInt64LittleEndian(destination, collectionId);
        idUtf8.CopyTo(destination[sizeof(long)..]);
        return sizeof(long) + idUtf8.Length;
    }

    /// <summary>Looks <paramref name="key"/> up.</summary>
    /// <param name="key">A key from <see cref="WriteKey"/>.</param>
    /// <param name="ticket">On a miss, what <see cref="TryAdd"/> needs to add the value read meanwhile.</param>
    /// <returns>The cached value (never to be modified), or null on a miss.</returns>
    public byte[]? TryGet(ReadOnlySpan<byte> key, out long ticket)
    {
        Shard shard = ShardOf(key);
        lock (shard.Gate)
        {
            if (shard.Lookup.TryGetValue(key, out byte[]? value))
            {
                ticket = 0;
                return value;
            }

            ticket = shard.Generation;
            return null;
        }
    }

    /// <summary>Adds a value read after a miss, unless a write invalidated the shard since the miss's ticket.</summary>
    /// <returns>True when the value was added (false: invalidated meanwhile, already present, or too large).</returns>
    public bool TryAdd(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long ticket)
    {
        if (value.Length > MaxValueBytes)
        {
            return false;
        }

        Shard shard = ShardOf(key);
        lock (shard.Gate)
        {
            if (shard.Generation != ticket || shard.Lookup.ContainsKey(key))
            {
                return false;
            }
        }

        // Copies outside the lock; the ticket is checked again before adding.
        byte[] keyCopy = key.ToArray();
        byte[] valueCopy = value.ToArray();
        lock (shard.Gate)
        {
            if (shard.Generation != ticket || !shard.Entries.TryAdd(keyCopy, valueCopy))
            {
                return false;
            }

            shard.Bytes += Cost(keyCopy, valueCopy);
            shard.Order.Enqueue(keyCopy);
            while (shard.Bytes > _shardBudget && shard.Order.TryDequeue(out byte[]? oldest))
            {
                if (shard.Entries.Remove(oldest, out byte[]? evicted))
                {
                    shard.Bytes -= Cost(oldest, evicted);
                }
            }

            if (shard.Order.Count > 2 * shard.Entries.Count + 64)
            {
                shard.RebuildOrder();
            }

            return true;
        }
    }

    /// <summary>Drops <paramref name="key"/>'s value, and makes every miss ticket taken in its shard so far stale.</summary>
    public void Invalidate(ReadOnlySpan<byte> key)
    {
        Shard shard = ShardOf(key);
        lock (shard.Gate)
        {
            shard.Generation++;
            if (shard.Lookup.Remove(key, out byte[]? storedKey, out byte[]? value))
            {
                shard.Bytes -= Cost(storedKey, value);
            }
        }
    }

    /// <summary>Drops everything and makes every miss ticket stale (a collection was dropped).</summary>
    public void Clear()
    {
        foreach (Shard shard in _shards)
        {
            lock (shard.Gate)
            {
                shard.Generation++;
                shard.Entries.Clear();
                shard.Order.Clear();
                shard.Bytes = 0;
            }
        }
    }

    private static long Cost(byte[] key, byte[] value) => key.Length + value.Length + EntryOverheadBytes;

    private Shard ShardOf(ReadOnlySpan<byte> key) => _shards[KeyComparer.Hash(key) & (ShardCount - 1)];

    private sealed class Shard
    {
        public Shard()
        {
            Entries = new Dictionary<byte[], byte[]>(KeyComparer.Instance);
            Lookup = Entries.GetAlternateLookup<ReadOnlySpan<byte>>();
        }

        public Lock Gate { get; } = new();

        public Dictionary<byte[], byte[]> Entries { get; }

        public Dictionary<byte[], byte[]>.AlternateLookup<ReadOnlySpan<byte>> Lookup { get; }

        public Queue<byte[]> Order { get; } = new();

        public long Bytes { get; set; }

        public long Generation { get; set; }

        public void RebuildOrder()
        {
            Order.Clear();
            foreach (byte[] key in Entries.Keys)
            {
                Order.Enqueue(key);
            }
        }
    }

    /// <summary>Byte-wise equality, with span lookups so a probe allocates nothing.</summary>
    private sealed class KeyComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly KeyComparer Instance = new();

        public static int Hash(ReadOnlySpan<byte> key)
        {
            var hash = default(HashCode);
            hash.AddBytes(key);
            return hash.ToHashCode();
        }

        public bool Equals(byte[]? x, byte[]? y) => x is not null && y is not null && x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => Hash(obj);

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate) => Hash(alternate);

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
    }
}
