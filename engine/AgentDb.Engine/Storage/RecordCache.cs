using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.InteropServices;

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
/// Layout. A value may be kept in two parts, split where <see cref="TryAdd(ReadOnlySpan{byte}, ReadOnlySpan{byte}, int, long)"/>
/// is told (the record store splits after the payload, before the vector). An entry is one array
/// <c>[key length: u16 LE][tail length: i32 LE][key][head]</c>, the dictionary's key, and the tail array, its value. A
/// hit probes with the key's hash computed once, compares the key and reads the head in that one array; the tail (a
/// 384-dimension vector is 1.5 KB) is handed out as a span built without touching it. A GET that does not want the
/// vector so reads no vector bytes: the cache's hot lines are the heads alone (about 100 bytes a record, where whole
/// values made every GET miss the CPU caches, see docs/BENCHMARKS.md, issue 6).
/// </para>
/// <para>
/// Coherence with writes. The store writes RocksDB first and then calls <see cref="Invalidate"/> for every record the
/// write touched, before it publishes the applied LSN and before the write is acknowledged. A reader that misses takes
/// a ticket (its shard's generation) under the lock, reads RocksDB, and adds the value with <c>TryAdd</c> only
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

    // [key length: u16][tail length: i32] before the key in an entry.
    private const int EntryPrefixBytes = sizeof(ushort) + sizeof(int);

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

    /// <summary>Looks <paramref name="key"/> up, returning the value as one new array (tests, and reads that copy anyway).</summary>
    /// <param name="key">A key from <see cref="WriteKey"/>.</param>
    /// <param name="ticket">On a miss, what <see cref="TryAdd(ReadOnlySpan{byte}, ReadOnlySpan{byte}, long)"/> needs to add the value read meanwhile.</param>
    /// <returns>A copy of the cached value, or null on a miss.</returns>
    public byte[]? TryGet(ReadOnlySpan<byte> key, out long ticket)
    {
        if (!TryGet(key, out ReadOnlySpan<byte> head, out ReadOnlySpan<byte> tail, out ticket))
        {
            return null;
        }

        byte[] value = new byte[head.Length + tail.Length];
        head.CopyTo(value);
        tail.CopyTo(value.AsSpan(head.Length));
        return value;
    }

    /// <summary>Looks <paramref name="key"/> up without copying: the value's two parts, as it was split when added.</summary>
    /// <param name="key">A key from <see cref="WriteKey"/>.</param>
    /// <param name="head">On a hit, the value's first part (immutable; valid after any later write).</param>
    /// <param name="tail">On a hit, the rest (empty when the value was kept whole). Built without reading its memory:
    /// a caller that does not look at it costs nothing for it.</param>
    /// <param name="ticket">On a miss, what <see cref="TryAdd(ReadOnlySpan{byte}, ReadOnlySpan{byte}, int, long)"/> needs.</param>
    /// <returns>True on a hit.</returns>
    public bool TryGet(ReadOnlySpan<byte> key, out ReadOnlySpan<byte> head, out ReadOnlySpan<byte> tail, out long ticket)
    {
        int hash = KeyComparer.Hash(key);
        Shard shard = ShardOf(hash);
        byte[]? entry;
        byte[]? rest;
        lock (shard.Gate)
        {
            if (!shard.Lookup.TryGetValue(new HashedKey(key, hash), out entry, out rest))
            {
                ticket = shard.Generation;
                head = default;
                tail = default;
                return false;
            }
        }

        ticket = 0;
        int keyLength = BinaryPrimitives.ReadUInt16LittleEndian(entry);
        int tailLength = BinaryPrimitives.ReadInt32LittleEndian(entry.AsSpan(sizeof(ushort)));
        head = entry.AsSpan(EntryPrefixBytes + keyLength);
        // The tail array was made with exactly tailLength bytes (TryAdd) and is never changed: its span is built from its
        // address alone, so that a reader of the head only does not load the tail's cache lines.
        Debug.Assert(rest!.Length == tailLength, "an entry's tail length is its tail array's");
        tail = MemoryMarshal.CreateReadOnlySpan(ref MemoryMarshal.GetArrayDataReference(rest), tailLength);
        return true;
    }

    /// <summary>Adds a value read after a miss, kept whole, unless a write invalidated the shard since the miss's ticket.</summary>
    /// <returns>True when the value was added (false: invalidated meanwhile, already present, or too large).</returns>
    public bool TryAdd(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long ticket) => TryAdd(key, value, value.Length, ticket);

    /// <summary>Adds a value read after a miss, kept as its first <paramref name="headLength"/> bytes and the rest,
    /// unless a write invalidated the shard since the miss's ticket.</summary>
    /// <returns>True when the value was added (false: invalidated meanwhile, already present, or too large).</returns>
    /// <exception cref="ArgumentOutOfRangeException">The head length is not within the value, or the key is longer
    /// than <see cref="MaxKeyLength"/>.</exception>
    public bool TryAdd(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, int headLength, long ticket)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(headLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(headLength, value.Length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(key.Length, MaxKeyLength, nameof(key));
        if (value.Length > MaxValueBytes)
        {
            return false;
        }

        int hash = KeyComparer.Hash(key);
        Shard shard = ShardOf(hash);
        lock (shard.Gate)
        {
            if (shard.Generation != ticket || shard.Lookup.ContainsKey(new HashedKey(key, hash)))
            {
                return false;
            }
        }

        // Copies outside the lock; the ticket is checked again before adding.
        byte[] entry = new byte[EntryPrefixBytes + key.Length + headLength];
        BinaryPrimitives.WriteUInt16LittleEndian(entry, (ushort)key.Length);
        BinaryPrimitives.WriteInt32LittleEndian(entry.AsSpan(sizeof(ushort)), value.Length - headLength);
        key.CopyTo(entry.AsSpan(EntryPrefixBytes));
        value[..headLength].CopyTo(entry.AsSpan(EntryPrefixBytes + key.Length));
        byte[] tail = headLength == value.Length ? [] : value[headLength..].ToArray();
        lock (shard.Gate)
        {
            if (shard.Generation != ticket || !shard.Entries.TryAdd(entry, tail))
            {
                return false;
            }

            shard.Bytes += Cost(entry, tail);
            shard.Order.Enqueue(entry);
            while (shard.Bytes > _shardBudget && shard.Order.TryDequeue(out byte[]? oldest))
            {
                // The queue holds entry arrays: an invalidated key's finds nothing, or a newer entry of the same key
                // (entries compare by key), which is then evicted early: harmless for a cache.
                ReadOnlySpan<byte> oldestKey = KeyOf(oldest);
                if (shard.Lookup.Remove(new HashedKey(oldestKey, KeyComparer.Hash(oldestKey)), out byte[]? removed, out byte[]? evicted))
                {
                    shard.Bytes -= Cost(removed, evicted);
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
        int hash = KeyComparer.Hash(key);
        Shard shard = ShardOf(hash);
        lock (shard.Gate)
        {
            shard.Generation++;
            if (shard.Lookup.Remove(new HashedKey(key, hash), out byte[]? entry, out byte[]? tail))
            {
                shard.Bytes -= Cost(entry, tail);
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

    private static long Cost(byte[] entry, byte[] tail) => entry.Length - EntryPrefixBytes + tail.Length + EntryOverheadBytes;

    private Shard ShardOf(int hash) => _shards[hash & (ShardCount - 1)];

    /// <summary>The key bytes of an entry array.</summary>
    private static ReadOnlySpan<byte> KeyOf(byte[] entry) =>
        entry.AsSpan(EntryPrefixBytes, BinaryPrimitives.ReadUInt16LittleEndian(entry));

    private sealed class Shard
    {
        public Shard()
        {
            Entries = new Dictionary<byte[], byte[]>(KeyComparer.Instance);
            Lookup = Entries.GetAlternateLookup<HashedKey>();
        }

        public Lock Gate { get; } = new();

        public Dictionary<byte[], byte[]> Entries { get; }

        public Dictionary<byte[], byte[]>.AlternateLookup<HashedKey> Lookup { get; }

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

    /// <summary>A probe: key bytes and their hash, computed once per lookup (for the shard and the table both).</summary>
    private readonly ref struct HashedKey(ReadOnlySpan<byte> bytes, int hash)
    {
        public ReadOnlySpan<byte> Bytes { get; } = bytes;

        public int Hash { get; } = hash;
    }

    /// <summary>Entries compare and hash by their key bytes; probes by <see cref="HashedKey"/>, so a probe allocates nothing.</summary>
    private sealed class KeyComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<HashedKey, byte[]>
    {
        public static readonly KeyComparer Instance = new();

        public static int Hash(ReadOnlySpan<byte> key)
        {
            var hash = default(HashCode);
            hash.AddBytes(key);
            return hash.ToHashCode();
        }

        public bool Equals(byte[]? x, byte[]? y) => x is not null && y is not null && KeyOf(x).SequenceEqual(KeyOf(y));

        public int GetHashCode(byte[] obj) => Hash(KeyOf(obj));

        public bool Equals(HashedKey alternate, byte[] other) => alternate.Bytes.SequenceEqual(KeyOf(other));

        public int GetHashCode(HashedKey alternate) => alternate.Hash;

        public byte[] Create(HashedKey alternate) =>
            throw new NotSupportedException("entries are added whole (TryAdd), never through a probe");
    }
}
