using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using AgentDb.Kernels;
using RocksDbSharp;

namespace AgentDb.Storage;

/// <summary>
/// <see cref="IRecordStore"/> over RocksDB. Column families: <c>default</c> (unused), <c>meta</c> (format, applied LSN,
/// collection descriptors) and one <c>c{collectionId}</c> per collection (see <see cref="StorageKeys"/> and
/// <see cref="RecordValueCodec"/> for the layouts).
/// </summary>
/// <remarks>
/// With <see cref="RecordStoreOptions.DisableWal"/> (the database's default) RocksDB's own WAL is off and atomic flush is
/// on, so a flush persists all column families together and the applied LSN never runs ahead of the data; whatever was
/// only in memtables at a crash is replayed from the FASTER log, which is truncated only below a completed flush. With
/// the WAL on it is unsynced and only keeps batches atomic across column families.
/// </remarks>
internal sealed class RocksDbRecordStore : IRecordStore
{
    private const string MetaColumnFamily = "meta";
    private const uint FormatMagic = 0x53424441; // "ADBS"
    // Version 2 keeps each collection's id map in its own column family (version 1 kept it beside the records, under
    // the prefix 0x02); a version 1 store is moved over on open (MoveIdMapsOutOfRecordFamilies).
    private const ushort FormatVersion = 2;
    private const ushort IdMapInRecordFamilyVersion = 1;
    private const int IdMapMoveChunk = 4096;
    private const int DescriptorHeaderSize = 32;

    // A descriptor is the header, the name, then i32 HNSW M and i32 efConstruction (appended fields).
    private const int DescriptorHnswSize = 8;

    // Shared by every Scan: it carries no bound, so nothing in it is per call (see Scan).
    private static readonly ReadOptions s_scanOptions = new();

    private readonly string _path;
    private readonly RocksDb _db;
    private readonly ColumnFamilyHandle _meta;
    private readonly WriteOptions _writeOptions;
    private readonly ReadOptions _readOptions = new();
    private readonly Dictionary<long, CollectionDescriptor> _collections = new();
    private readonly WriteBatch _batch = new();
    private readonly Dictionary<long, CollectionDescriptor> _touched = new();
    private readonly RecordHeaderLookup _headerLookup = new();
    private byte[] _lookupKeys = GC.AllocateUninitializedArray<byte>(16 * StorageKeys.MaxRecordKeyLength, pinned: true);
    private int[] _lookupStarts = new int[16];
    private int[] _lookupLengths = new int[16];
    private RecordHeader[] _lookupHeaders = new RecordHeader[16];
    private readonly byte[] _keyScratch = new byte[StorageKeys.MaxRecordKeyLength];
    private readonly RecordCache? _cache;
    private long _appliedLsn;

    // The LSN whose batch PrepareWrites built in _batch and CommitPreparedWrites has not written yet; 0 when none.
    private long _preparedLsn;
    private bool _disposed;

    private RocksDbRecordStore(string path, RocksDb db, ColumnFamilyHandle meta, WriteOptions writeOptions, long recordCacheBytes)
    {
        _cache = recordCacheBytes > 0 ? new RecordCache(recordCacheBytes) : null;
        _path = path;
        _db = db;
        _meta = meta;
        _writeOptions = writeOptions;
    }

    public long AppliedLsn => Volatile.Read(ref _appliedLsn);

    public IReadOnlyCollection<CollectionDescriptor> Collections => _collections.Values;

    /// <summary>Opens (creating when absent) the store in <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The directory holds a store of another format version.</exception>
    public static RocksDbRecordStore Open(string path, RecordStoreOptions? options = null)
    {
        options ??= new RecordStoreOptions();
        Directory.CreateDirectory(path);
        var dbOptions = new DbOptions()
            .SetCreateIfMissing(true)
            .SetCreateMissingColumnFamilies(true)
            .IncreaseParallelism(Math.Max(2, Environment.ProcessorCount))
            .SetKeepLogFileNum(2)
            .SetMaxTotalWalSize(256UL << 20);
        // A row cache answers a point read of a record in a table file with one lookup instead of a block-cache
        // lookup, a block parse and a binary search (RocksDB keeps it consistent: it is keyed by file, and the memtable
        // is read first). Measured with `agentdb bench server --ops get` (10,000 records of 1.5 KB, 50 connections):
        // server CPU per GET 3.02 -> 1.77 us at pipeline depth 16, 12.3 -> 9.8 us at depth 1.
        Native.Instance.rocksdb_options_set_row_cache(dbOptions.Handle, SharedRowCache.Instance.Handle);
        if (options.DisableWal)
        {
            Native.Instance.rocksdb_options_set_atomic_flush(dbOptions.Handle, 1);
        }

        ColumnFamilyOptions columnOptions = CreateColumnOptions(options);
        var families = new ColumnFamilies(columnOptions);
        bool hasMeta = false;
        if (RocksDb.TryListColumnFamilies(dbOptions, path, out string[] existing))
        {
            foreach (string name in existing)
            {
                if (name == ColumnFamilies.DefaultName)
                {
                    continue;
                }

                hasMeta |= name == MetaColumnFamily;
                families.Add(name, columnOptions);
            }
        }

        if (!hasMeta)
        {
            families.Add(MetaColumnFamily, columnOptions);
        }

        RocksDb db = RocksDb.Open(dbOptions, path, families);
        var writeOptions = new WriteOptions().SetSync(false);
        if (options.DisableWal)
        {
            writeOptions.DisableWal(1);
        }

        var store = new RocksDbRecordStore(path, db, db.GetColumnFamily(MetaColumnFamily), writeOptions, options.RecordCacheBytes);
        try
        {
            store.Load(existing: existing ?? []);
        }
        catch
        {
            db.Dispose();
            throw;
        }

        return store;
    }

    public CollectionDescriptor CreateCollection(long lsn, string name, int dimension, DistanceMetric metric, long createdUnixMs, int hnswM, int hnswEfConstruction)
    {
        var descriptor = new CollectionDescriptor(lsn, name, dimension, metric, createdUnixMs, OpenOrCreateFamily(CollectionDescriptor.ColumnFamilyName(lsn)), OpenOrCreateFamily(CollectionDescriptor.IdsColumnFamilyName(lsn)), hnswM, hnswEfConstruction);
        _preparedLsn = 0;
        _batch.Clear();
        PutDescriptor(descriptor, descriptor.LastInternalId, descriptor.RecordCount);
        PutAppliedLsn(lsn);
        _db.Write(_batch, _writeOptions);
        _collections[descriptor.Id] = descriptor;
        Volatile.Write(ref _appliedLsn, lsn);
        return descriptor;
    }

    public bool DropCollection(long lsn, long collectionId)
    {
        _preparedLsn = 0;
        _batch.Clear();
        bool found = _collections.TryGetValue(collectionId, out CollectionDescriptor? descriptor);
        if (found)
        {
            Span<byte> key = stackalloc byte[9];
            StorageKeys.WriteCollectionKey(key, collectionId);
            _batch.Delete(key, _meta);
            StorageKeys.WritePayloadIndexKey(key, collectionId);
            _batch.Delete(key, _meta);
        }

        PutAppliedLsn(lsn);
        _db.Write(_batch, _writeOptions); // the descriptor goes first: a column family without one is dropped on open
        Volatile.Write(ref _appliedLsn, lsn);
        if (found)
        {
            _collections.Remove(collectionId);
            _db.DropColumnFamily(CollectionDescriptor.ColumnFamilyName(descriptor!.Id));
            _db.DropColumnFamily(CollectionDescriptor.IdsColumnFamilyName(descriptor.Id));
            _cache?.Clear(); // collection ids are never reused, but the memory is freed and fills in flight are stopped
        }

        return found;
    }

    public void ApplyWrites(long lsn, long timestampUnixMs, ReadOnlySpan<RecordWrite> writes, Span<RecordWriteOutcome> outcomes)
    {
        PrepareWrites(lsn, timestampUnixMs, writes, outcomes);
        CommitPreparedWrites(lsn, writes);
    }

    public void PrepareWrites(long lsn, long timestampUnixMs, ReadOnlySpan<RecordWrite> writes, Span<RecordWriteOutcome> outcomes)
    {
        _preparedLsn = 0;
        _batch.Clear();
        _touched.Clear();
        LookUpExisting(writes);
        Span<byte> internalKey = stackalloc byte[StorageKeys.InternalIdKeyLength];
        Span<byte> valueHeader = stackalloc byte[RecordValueCodec.HeaderSize];
        for (int i = 0; i < writes.Length; i++)
        {
            ref readonly RecordWrite write = ref writes[i];
            if (!_collections.TryGetValue(write.CollectionId, out CollectionDescriptor? collection))
            {
                outcomes[i] = default;
                _lookupHeaders[i] = default; // not looked up: nothing to invalidate either
                continue;
            }

            if (_touched.TryAdd(collection.Id, collection))
            {
                collection.PendingLastInternalId = collection.LastInternalId;
                collection.PendingRecordCount = collection.RecordCount;
            }

            ReadOnlySpan<byte> id = write.Id.Span;
            ReadOnlySpan<byte> recordKey = _lookupKeys.AsSpan(_lookupStarts[i], _lookupLengths[i]);
            RecordHeader existing = _lookupHeaders[i];
            if (write.Kind == RecordWriteKind.Delete)
            {
                if (existing.Found)
                {
                    _batch.Delete(recordKey, collection.ColumnFamily);
                    StorageKeys.WriteInternalIdKey(internalKey, existing.InternalId);
                    _batch.Delete(internalKey, collection.IdsColumnFamily);
                    collection.PendingRecordCount--;
                }

                outcomes[i] = new RecordWriteOutcome(true, existing.Found, existing.InternalId, false);
                continue;
            }

            long internalId = existing.Found ? existing.InternalId : ++collection.PendingLastInternalId;
            long created = existing.Found ? existing.CreatedUnixMs : timestampUnixMs;
            ReadOnlySpan<byte> payload = write.Payload.Span;
            ReadOnlySpan<byte> vector = write.Vector.Span;
            RecordValueCodec.EncodeHeader(valueHeader, payload.Length, vector.Length, internalId, created, timestampUnixMs, lsn);
            WriteBatchParts.Put(_batch, collection.ColumnFamily, recordKey, valueHeader, payload, vector); // straight from the log entry
            if (!existing.Found)
            {
                StorageKeys.WriteInternalIdKey(internalKey, internalId);
                _batch.Put(internalKey, id, collection.IdsColumnFamily);
                collection.PendingRecordCount++;
            }

            outcomes[i] = new RecordWriteOutcome(true, existing.Found, internalId, !vector.IsEmpty);
        }

        foreach (CollectionDescriptor collection in _touched.Values)
        {
            PutDescriptor(collection, collection.PendingLastInternalId, collection.PendingRecordCount);
        }

        PutAppliedLsn(lsn);
        _preparedLsn = lsn;
    }

    public void CommitPreparedWrites(long lsn, ReadOnlySpan<RecordWrite> writes)
    {
        if (_preparedLsn != lsn || lsn == 0)
        {
            throw new InvalidOperationException($"No batch was prepared for LSN {lsn} (prepared: {_preparedLsn}).");
        }

        _preparedLsn = 0;
        _db.Write(_batch, _writeOptions);
        InvalidateCached(writes, _lookupHeaders);
        foreach (CollectionDescriptor collection in _touched.Values)
        {
            collection.LastInternalId = collection.PendingLastInternalId;
            collection.RecordCount = collection.PendingRecordCount;
        }

        Volatile.Write(ref _appliedLsn, lsn);
    }

    public void SetPayloadIndexFields(long lsn, CollectionDescriptor collection, string[] fields)
    {
        int size = 2;
        foreach (string field in fields)
        {
            size += 2 + Encoding.UTF8.GetByteCount(field);
        }

        byte[] value = new byte[size];
        BinaryPrimitives.WriteUInt16LittleEndian(value, (ushort)fields.Length);
        int offset = 2;
        foreach (string field in fields)
        {
            int length = Encoding.UTF8.GetBytes(field, value.AsSpan(offset + 2));
            BinaryPrimitives.WriteUInt16LittleEndian(value.AsSpan(offset), (ushort)length);
            offset += 2 + length;
        }

        _preparedLsn = 0;
        _batch.Clear();
        Span<byte> key = stackalloc byte[9];
        StorageKeys.WritePayloadIndexKey(key, collection.Id);
        _batch.Put(key, value, _meta);
        PutAppliedLsn(lsn);
        _db.Write(_batch, _writeOptions);
        collection.PayloadIndexFields = fields;
        Volatile.Write(ref _appliedLsn, lsn);
    }

    public void VisitPayloads<TVisitor>(CollectionDescriptor collection, ref TVisitor visitor)
        where TVisitor : struct, IPayloadVisitor
    {
        var readOptions = new ReadOptions().SetIterateUpperBound([StorageKeys.RecordPrefix + 1]).SetFillCache(false);
        using Iterator iterator = _db.NewIterator(collection.ColumnFamily, readOptions);
        for (iterator.Seek([StorageKeys.RecordPrefix]); iterator.Valid(); iterator.Next())
        {
            ReadOnlySpan<byte> key = iterator.GetKeySpan();
            if (key.IsEmpty || key[0] != StorageKeys.RecordPrefix)
            {
                break;
            }

            ReadOnlySpan<byte> value = iterator.GetValueSpan();
            RecordHeader header = RecordValueCodec.ReadHeader(value);
            visitor.Visit(header.InternalId, RecordValueCodec.Payload(value, header));
        }

        GC.KeepAlive(readOptions);   // see Scan: the options own the native upper bound
    }

    public void MarkApplied(long lsn)
    {
        _preparedLsn = 0;
        _batch.Clear();
        PutAppliedLsn(lsn);
        _db.Write(_batch, _writeOptions);
        Volatile.Write(ref _appliedLsn, lsn);
    }

    public bool TryGet(CollectionDescriptor collection, ReadOnlySpan<byte> idUtf8, [NotNullWhen(true)] out StoredRecord? record)
    {
        // Exact-size stack buffers: the id is at most 512 bytes, and a buffer of the maximum size would be zeroed per read.
        Span<byte> cacheKey = stackalloc byte[sizeof(long) + idUtf8.Length];
        RecordCache.WriteKey(cacheKey, collection.Id, idUtf8);
        long ticket = 0;
        if (_cache is not null && _cache.TryGet(cacheKey, out ReadOnlySpan<byte> head, out ReadOnlySpan<byte> tail, out ticket))
        {
            record = RecordValueCodec.ToRecord(idUtf8, head, tail);
            return true;
        }

        Span<byte> key = stackalloc byte[1 + idUtf8.Length];
        StorageKeys.WriteRecordKey(key, idUtf8);
        using PinnedValue pinned = PinnedValue.Get(_db, _readOptions, collection.ColumnFamily, key);
        if (!pinned.Found)
        {
            record = null;
            return false;
        }

        _cache?.TryAdd(cacheKey, pinned.Value, RecordValueCodec.HeadLength(pinned.Value), ticket);
        record = RecordValueCodec.ToRecord(idUtf8, pinned.Value);
        return true;
    }

    public bool TryRead<TVisitor>(CollectionDescriptor collection, scoped ReadOnlySpan<byte> idUtf8, ref TVisitor visitor)
        where TVisitor : IRecordVisitor, allows ref struct
    {
        // Exact-size stack buffers: the id is at most 512 bytes, and a buffer of the maximum size would be zeroed per read.
        Span<byte> cacheKey = stackalloc byte[sizeof(long) + idUtf8.Length];
        RecordCache.WriteKey(cacheKey, collection.Id, idUtf8);
        long ticket = 0;
        if (_cache is not null && _cache.TryGet(cacheKey, out ReadOnlySpan<byte> head, out ReadOnlySpan<byte> tail, out ticket))
        {
            // Header and payload from the entry's head; the vector span is not read unless the visitor reads it.
            RecordHeader cached = RecordValueCodec.ReadParts(head, tail, out ReadOnlySpan<byte> payload, out ReadOnlySpan<byte> vectorBytes);
            visitor.Visit(new RecordView(idUtf8, payload, vectorBytes, cached.CreatedUnixMs, cached.UpdatedUnixMs, cached.Lsn));
            return true;
        }

        Span<byte> key = stackalloc byte[1 + idUtf8.Length];
        StorageKeys.WriteRecordKey(key, idUtf8);
        using PinnedValue pinned = PinnedValue.Get(_db, _readOptions, collection.ColumnFamily, key);
        if (!pinned.Found)
        {
            return false;
        }

        _cache?.TryAdd(cacheKey, pinned.Value, RecordValueCodec.HeadLength(pinned.Value), ticket);
        Visit(idUtf8, pinned.Value, ref visitor);
        return true;
    }

    private static void Visit<TVisitor>(scoped ReadOnlySpan<byte> idUtf8, scoped ReadOnlySpan<byte> value, ref TVisitor visitor)
        where TVisitor : IRecordVisitor, allows ref struct
    {
        RecordHeader header = RecordValueCodec.ReadHeader(value);
        visitor.Visit(new RecordView(
            idUtf8,
            value.Slice(RecordValueCodec.HeaderSize, header.PayloadLength),
            value.Slice(RecordValueCodec.HeaderSize + header.PayloadLength, header.Dimension * sizeof(float)),
            header.CreatedUnixMs,
            header.UpdatedUnixMs,
            header.Lsn));
    }

    /// <summary>
    /// Drops the cached values of the records a write just changed: after RocksDB has them and before the applied LSN
    /// moves or the write is acknowledged (see <see cref="RecordCache"/> for why no older value can come back). Every
    /// path that changes records in RocksDB must call this. Only records that existed before the batch
    /// (<paramref name="existing"/>[i] found) are dropped: a record that did not (most ingested ones) cannot be cached,
    /// since the cache only takes values a read found in the store, the delete that removed an earlier value
    /// invalidated it, and the apply turn keeps every other write out between the lookup and this batch.
    /// </summary>
    private void InvalidateCached(ReadOnlySpan<RecordWrite> writes, RecordHeader[] existing)
    {
        if (_cache is null)
        {
            return;
        }

        Span<byte> cacheKey = stackalloc byte[RecordCache.MaxKeyLength];
        for (int i = 0; i < writes.Length; i++)
        {
            if (existing[i].Found)
            {
                _cache.Invalidate(cacheKey[..RecordCache.WriteKey(cacheKey, writes[i].CollectionId, writes[i].Id.Span)]);
            }
        }
    }

    public bool TryGetByInternalId(CollectionDescriptor collection, long internalId, [NotNullWhen(true)] out StoredRecord? record)
    {
        Span<byte> key = stackalloc byte[StorageKeys.InternalIdKeyLength];
        StorageKeys.WriteInternalIdKey(key, internalId);
        byte[]? id = _db.Get(key, collection.IdsColumnFamily);
        if (id is null)
        {
            record = null;
            return false;
        }

        return TryGet(collection, id, out record);
    }

    public void Scan(CollectionDescriptor collection, ReadOnlySpan<byte> fromInclusive, ReadOnlySpan<byte> toExclusive, int limit, List<StoredRecord> results, bool includeVectors = true)
    {
        if (limit <= 0)
        {
            return;
        }

        // No per-call ReadOptions (each one with a native copy of its upper bound): one shared, boundless options object
        // (RocksDB only reads it while creating the iterator), and the bound is checked here on every key instead.
        Span<byte> lower = stackalloc byte[StorageKeys.MaxRecordKeyLength];
        lower = lower[..StorageKeys.WriteRecordKey(lower, fromInclusive)];
        Span<byte> upper = stackalloc byte[StorageKeys.MaxRecordKeyLength];
        upper = toExclusive.IsEmpty ? default : upper[..StorageKeys.WriteRecordKey(upper, toExclusive)];
        using Iterator iterator = _db.NewIterator(collection.ColumnFamily, s_scanOptions);
        int added = 0;
        for (iterator.Seek(lower); iterator.Valid() && added < limit; iterator.Next())
        {
            ReadOnlySpan<byte> key = iterator.GetKeySpan();
            if (key.IsEmpty || key[0] != StorageKeys.RecordPrefix || (!upper.IsEmpty && key.SequenceCompareTo(upper) >= 0))
            {
                break; // past the range, or out of the record keys into the id map
            }

            results.Add(RecordValueCodec.ToRecord(key[1..], iterator.GetValueSpan(), includeVectors));
            added++;
        }
    }

    public void VisitVectors<TVisitor>(CollectionDescriptor collection, ref TVisitor visitor)
        where TVisitor : struct, IVectorVisitor
    {
        var readOptions = new ReadOptions().SetIterateUpperBound([StorageKeys.RecordPrefix + 1]).SetFillCache(false);
        using Iterator iterator = _db.NewIterator(collection.ColumnFamily, readOptions);
        for (iterator.Seek([StorageKeys.RecordPrefix]); iterator.Valid(); iterator.Next())
        {
            ReadOnlySpan<byte> key = iterator.GetKeySpan();
            if (key.IsEmpty || key[0] != StorageKeys.RecordPrefix)
            {
                break;
            }

            ReadOnlySpan<byte> value = iterator.GetValueSpan();
            RecordHeader header = RecordValueCodec.ReadHeader(value);
            if (header.Dimension > 0)
            {
                visitor.Visit(header.InternalId, header.Lsn, RecordValueCodec.Vector(value, header));
            }
        }

        GC.KeepAlive(readOptions);   // see Scan: the options own the native upper bound
    }

    public void Flush()
    {
        var handles = new IntPtr[(_collections.Count * 2) + 1];
        handles[0] = _meta.Handle;
        int i = 1;
        foreach (CollectionDescriptor collection in _collections.Values)
        {
            handles[i++] = collection.ColumnFamily.Handle;
            handles[i++] = collection.IdsColumnFamily.Handle;
        }

        var flushOptions = new FlushOptions().SetWaitForFlush(true);
        Native.Instance.rocksdb_flush_cfs(_db.Handle, flushOptions.Handle, handles, handles.Length);
    }

    public void CreateCheckpoint(string directory)
    {
        Flush();
        using Checkpoint checkpoint = _db.Checkpoint();
        checkpoint.Save(directory, 0);
    }

    public long SizeOnDisk() => DirectorySize(_path);

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            Flush(); // with the RocksDB WAL off, this is what keeps the applied state across a clean close
        }
        finally
        {
            _batch.Dispose();
            _db.Dispose();
        }
    }

    internal static long DirectorySize(string path)
    {
        long total = 0;
        foreach (string file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories))
        {
            try
            {
                total += new FileInfo(file).Length;
            }
            catch (FileNotFoundException)
            {
                // deleted by a compaction while we walked
            }
        }

        return total;
    }

    private static ColumnFamilyOptions CreateColumnOptions(RecordStoreOptions options)
    {
        // Index and filter blocks stay in each open table's own memory (cache_index_and_filter_blocks = false), not in
        // the shared 64 MiB LRU: there, with only L0's pinned, data blocks pushed them out once a store grew past a
        // few million records, and every existence check of a new id then read a filter block from disk again. They
        // cost about 1.3 bytes per key (10-bit bloom) plus the index; the LRU holds data blocks only.
        var table = new BlockBasedTableOptions()
            .SetFilterPolicy(BloomFilterPolicy.Create(10, false))
            .SetBlockCache(SharedCache.Instance)
            .SetCacheIndexAndFilterBlocks(false);
        // No compression: a record is mostly float32 vector, which no block compressor shrinks, so compressing only
        // costs the background flushes and compactions CPU that the writers need. A whole-key bloom filter on the
        // memtable makes the apply path's existence check of a new id cheap (most ingested ids are new).
        var columnOptions = new ColumnFamilyOptions()
            .SetBlockBasedTableFactory(table)
            .SetWriteBufferSize((ulong)options.WriteBufferBytes)
            .SetLevelCompactionDynamicLevelBytes(true)
            .SetCompression(Compression.No)
            .SetMemtablePrefixBloomSizeRatio(0.02);
        Native.Instance.rocksdb_options_set_memtable_whole_key_filtering(columnOptions.Handle, 1);
        return columnOptions;
    }

    private void Load(string[] existing)
    {
        byte[]? format = _db.Get(StorageKeys.FormatKey, _meta);
        bool moveIdMaps = false;
        if (format is null)
        {
            _db.Put(StorageKeys.FormatKey, FormatValue(FormatVersion), _meta);
        }
        else if (format.Length != 6 || BinaryPrimitives.ReadUInt32LittleEndian(format) != FormatMagic)
        {
            throw new InvalidDataException($"The record store in '{_path}' has an unknown format (expected 'ADBS' version {FormatVersion}).");
        }
        else
        {
            ushort version = BinaryPrimitives.ReadUInt16LittleEndian(format.AsSpan(4));
            if (version != FormatVersion && version != IdMapInRecordFamilyVersion)
            {
                throw new InvalidDataException($"The record store in '{_path}' has format version {version}; this build reads versions {IdMapInRecordFamilyVersion} and {FormatVersion}.");
            }

            moveIdMaps = version == IdMapInRecordFamilyVersion;
        }

        byte[]? applied = _db.Get(StorageKeys.AppliedLsnKey, _meta);
        _appliedLsn = applied is { Length: 8 } ? BinaryPrimitives.ReadInt64LittleEndian(applied) : 0;

        var collectionBounds = new ReadOptions().SetIterateUpperBound([StorageKeys.CollectionPrefix + 1]);
        using (Iterator iterator = _db.NewIterator(_meta, collectionBounds))
        {
            for (iterator.Seek([StorageKeys.CollectionPrefix]); iterator.Valid(); iterator.Next())
            {
                if (iterator.GetKeySpan() is not [StorageKeys.CollectionPrefix, ..])
                {
                    break;
                }

                long id = BinaryPrimitives.ReadInt64BigEndian(iterator.GetKeySpan()[1..]);
                CollectionDescriptor descriptor = ReadDescriptor(id, iterator.GetValueSpan());
                _collections.Add(id, descriptor);
            }
        }

        GC.KeepAlive(collectionBounds);

        var indexBounds = new ReadOptions().SetIterateUpperBound([StorageKeys.PayloadIndexPrefix + 1]);
        using (Iterator iterator = _db.NewIterator(_meta, indexBounds))
        {
            for (iterator.Seek([StorageKeys.PayloadIndexPrefix]); iterator.Valid(); iterator.Next())
            {
                if (iterator.GetKeySpan() is not [StorageKeys.PayloadIndexPrefix, ..])
                {
                    break;
                }

                long id = BinaryPrimitives.ReadInt64BigEndian(iterator.GetKeySpan()[1..]);
                if (_collections.TryGetValue(id, out CollectionDescriptor? descriptor))
                {
                    descriptor.PayloadIndexFields = ReadPayloadIndexFields(id, iterator.GetValueSpan());
                }
            }
        }

        GC.KeepAlive(indexBounds);

        // A column family whose descriptor is gone belongs to a drop (or create) interrupted by a crash.
        foreach (string name in existing)
        {
            if (name.Length > 1 && (name[0] is 'c' or 'i') && long.TryParse(name.AsSpan(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long id)
                && !_collections.ContainsKey(id))
            {
                _db.DropColumnFamily(name);
            }
        }

        if (moveIdMaps)
        {
            MoveIdMapsOutOfRecordFamilies();
        }
    }

    private static byte[] FormatValue(ushort version)
    {
        byte[] value = new byte[6];
        BinaryPrimitives.WriteUInt32LittleEndian(value, FormatMagic);
        BinaryPrimitives.WriteUInt16LittleEndian(value.AsSpan(4), version);
        return value;
    }

    /// <summary>
    /// Upgrades a version 1 store: moves each collection's id map (<c>0x02 + internal id</c> in the record column family)
    /// to the collection's id-map column family, in chunks that each put and delete their keys in one batch, then marks
    /// the store version 2 and flushes. A crash part-way leaves a version 1 store whose remaining keys the next open
    /// moves; a key is never in neither family.
    /// </summary>
    private void MoveIdMapsOutOfRecordFamilies()
    {
        var bounds = new ReadOptions().SetIterateUpperBound([StorageKeys.LegacyInternalIdPrefix + 1]).SetFillCache(false);
        using var batch = new WriteBatch();
        foreach (CollectionDescriptor collection in _collections.Values)
        {
            using Iterator iterator = _db.NewIterator(collection.ColumnFamily, bounds);
            int inBatch = 0;
            for (iterator.Seek([StorageKeys.LegacyInternalIdPrefix]); iterator.Valid(); iterator.Next())
            {
                ReadOnlySpan<byte> key = iterator.GetKeySpan();
                if (key.Length != 9 || key[0] != StorageKeys.LegacyInternalIdPrefix)
                {
                    throw new InvalidDataException($"The record store in '{_path}' has a damaged id-map key of {key.Length} bytes in collection {collection.Id}.");
                }

                batch.Put(key[1..], iterator.GetValueSpan(), collection.IdsColumnFamily);
                batch.Delete(key, collection.ColumnFamily);
                if (++inBatch == IdMapMoveChunk)
                {
                    _db.Write(batch, _writeOptions);
                    batch.Clear();
                    inBatch = 0;
                }
            }

            if (inBatch > 0)
            {
                _db.Write(batch, _writeOptions);
                batch.Clear();
            }
        }

        GC.KeepAlive(bounds); // the options own the native upper bound
        _db.Put(StorageKeys.FormatKey, FormatValue(FormatVersion), _meta, _writeOptions);
        Flush(); // RocksDB's WAL may be off: the move is not in the FASTER log, so it is persisted here
    }

    private string[] ReadPayloadIndexFields(long id, ReadOnlySpan<byte> value)
    {
        if (value.Length < 2)
        {
            throw new InvalidDataException($"The payload index list of collection {id} in '{_path}' is damaged ({value.Length} bytes).");
        }

        int count = BinaryPrimitives.ReadUInt16LittleEndian(value);
        string[] fields = new string[count];
        int offset = 2;
        for (int i = 0; i < count; i++)
        {
            if (offset + 2 > value.Length || offset + 2 + BinaryPrimitives.ReadUInt16LittleEndian(value[offset..]) > value.Length)
            {
                throw new InvalidDataException($"The payload index list of collection {id} in '{_path}' is damaged (field {i} runs past its end).");
            }

            int length = BinaryPrimitives.ReadUInt16LittleEndian(value[offset..]);
            fields[i] = Encoding.UTF8.GetString(value.Slice(offset + 2, length));
            offset += 2 + length;
        }

        return fields;
    }

    private CollectionDescriptor ReadDescriptor(long id, ReadOnlySpan<byte> value)
    {
        if (value.Length < DescriptorHeaderSize || value[0] != 1)
        {
            throw new InvalidDataException($"The descriptor of collection {id} in '{_path}' is damaged or of an unknown version.");
        }

        var metric = (DistanceMetric)value[1];
        int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(value[2..]);
        int dimension = BinaryPrimitives.ReadInt32LittleEndian(value[4..]);
        long created = BinaryPrimitives.ReadInt64LittleEndian(value[8..]);
        long lastInternalId = BinaryPrimitives.ReadInt64LittleEndian(value[16..]);
        long count = BinaryPrimitives.ReadInt64LittleEndian(value[24..]);
        string name = Encoding.UTF8.GetString(value.Slice(DescriptorHeaderSize, nameLength));

        // Appended after the name; descriptors written before per-collection HNSW parameters lack them (defaults).
        ReadOnlySpan<byte> tail = value[(DescriptorHeaderSize + nameLength)..];
        int hnswM = Index.TieredVectorIndex.DefaultM;
        int hnswEfConstruction = Index.TieredVectorIndex.DefaultEfConstruction;
        if (tail.Length >= DescriptorHnswSize)
        {
            hnswM = BinaryPrimitives.ReadInt32LittleEndian(tail);
            hnswEfConstruction = BinaryPrimitives.ReadInt32LittleEndian(tail[4..]);
            if (hnswM < 2 || hnswM > Index.Hnsw.HnswOptions.MaxM || hnswEfConstruction < hnswM)
            {
                throw new InvalidDataException($"The descriptor of collection {id} in '{_path}' names HNSW M {hnswM} and efConstruction {hnswEfConstruction}.");
            }
        }

        return new CollectionDescriptor(id, name, dimension, metric, created, OpenOrCreateFamily(CollectionDescriptor.ColumnFamilyName(id)), OpenOrCreateFamily(CollectionDescriptor.IdsColumnFamilyName(id)), hnswM, hnswEfConstruction)
        {
            LastInternalId = lastInternalId,
            RecordCount = count,
        };
    }

    private ColumnFamilyHandle OpenOrCreateFamily(string name)
    {
        if (!_db.TryGetColumnFamily(name, out ColumnFamilyHandle handle))
        {
            handle = _db.CreateColumnFamily(CreateColumnOptions(new RecordStoreOptions()), name);
        }

        return handle;
    }

    private void PutDescriptor(CollectionDescriptor collection, long lastInternalId, long count)
    {
        int nameLength = Encoding.UTF8.GetByteCount(collection.Name);
        Span<byte> value = stackalloc byte[DescriptorHeaderSize + nameLength + DescriptorHnswSize];
        value[0] = 1;
        value[1] = (byte)collection.Metric;
        BinaryPrimitives.WriteUInt16LittleEndian(value[2..], (ushort)nameLength);
        BinaryPrimitives.WriteInt32LittleEndian(value[4..], collection.Dimension);
        BinaryPrimitives.WriteInt64LittleEndian(value[8..], collection.CreatedUnixMs);
        BinaryPrimitives.WriteInt64LittleEndian(value[16..], lastInternalId);
        BinaryPrimitives.WriteInt64LittleEndian(value[24..], count);
        Encoding.UTF8.GetBytes(collection.Name, value[DescriptorHeaderSize..]);
        BinaryPrimitives.WriteInt32LittleEndian(value[(DescriptorHeaderSize + nameLength)..], collection.HnswM);
        BinaryPrimitives.WriteInt32LittleEndian(value[(DescriptorHeaderSize + nameLength + 4)..], collection.HnswEfConstruction);
        Span<byte> key = stackalloc byte[9];
        StorageKeys.WriteCollectionKey(key, collection.Id);
        _batch.Put(key, value, _meta);
    }

    private void PutAppliedLsn(long lsn)
    {
        Span<byte> value = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(value, lsn);
        _batch.Put(StorageKeys.AppliedLsnKey, value, _meta);
    }

    /// <summary>
    /// Builds every write's record key into <see cref="_lookupKeys"/> and reads the stored headers of all of them before
    /// the batch is built: one batched multi-get per run of writes to the same collection (an entry is usually one run).
    /// A write to an unknown collection is not looked up (the apply skips it). Ids are unique per collection within an entry
    /// (<see cref="AgentDb.RecordBatch"/>), so reading the state before the entry is what one get per write read too.
    /// </summary>
    private void LookUpExisting(ReadOnlySpan<RecordWrite> writes)
    {
        int count = writes.Length;
        if (_lookupStarts.Length < count)
        {
            int size = Math.Max(count, _lookupStarts.Length * 2);
            _lookupStarts = new int[size];
            _lookupLengths = new int[size];
            _lookupHeaders = new RecordHeader[size];
        }

        int needed = count * StorageKeys.MaxRecordKeyLength;
        if (_lookupKeys.Length < needed)
        {
            _lookupKeys = GC.AllocateUninitializedArray<byte>(Math.Max(needed, _lookupKeys.Length * 2), pinned: true);
        }

        int offset = 0;
        for (int i = 0; i < count; i++)
        {
            _lookupStarts[i] = offset;
            _lookupLengths[i] = StorageKeys.WriteRecordKey(_lookupKeys.AsSpan(offset), writes[i].Id.Span);
            offset += _lookupLengths[i];
        }

        int start = 0;
        while (start < count)
        {
            long collectionId = writes[start].CollectionId;
            int end = start + 1;
            while (end < count && writes[end].CollectionId == collectionId)
            {
                end++;
            }

            if (_collections.TryGetValue(collectionId, out CollectionDescriptor? collection))
            {
                _headerLookup.Lookup(_db, _readOptions, collection.ColumnFamily, _lookupKeys, _lookupStarts.AsSpan(start, end - start), _lookupLengths.AsSpan(start, end - start), _lookupHeaders.AsSpan(start, end - start));
            }

            start = end;
        }
    }

    /// <summary>The row cache every record store of the process shares (entries are keyed by database and file).</summary>
    private static class SharedRowCache
    {
        public static readonly Cache Instance = Cache.CreateLru(64UL << 20);
    }

    private static class SharedCache
    {
        public static readonly Cache Instance = Cache.CreateLru(64UL << 20);
    }
}
