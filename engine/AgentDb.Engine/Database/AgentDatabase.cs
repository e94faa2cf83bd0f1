using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using AgentDb.Index;
using AgentDb.Kernels;
using AgentDb.Log;
using AgentDb.Storage;

namespace AgentDb;

/// <summary>
/// The embedded agent-memory database: collections of records (string id, MessagePack payload, optional vector),
/// point reads, scans, counts and vector search with payload filters. Thread-safe.
/// </summary>
/// <remarks>
/// <para>Every mutation is encoded into one log entry, appended to the write-ahead log (which assigns its LSN), made
/// durable as <see cref="AgentDatabaseOptions.Durability"/> requires, applied to the record store in one atomic batch
/// together with the LSN, then applied to the in-memory vector index. Mutations apply in LSN order. When a write method
/// returns, the write is applied (visible to reads and to searches) and as durable as the mode promises: <see cref="DurabilityMode.Sync"/>
/// and <see cref="DurabilityMode.Group"/> survive a crash, <see cref="DurabilityMode.None"/> may lose the last
/// few milliseconds.</para>
/// <para>Vector indexing is off the write path: once a collection is on HNSW, an applied vector goes into the index's
/// backlog and a background indexer links it into the graph in batches. Searches scan the backlog exactly and merge it
/// with the graph's hits, so a vector is searchable as soon as its write is applied, as before; only the cost of a
/// search grows with the backlog (<see cref="CollectionStats.PendingVectors"/>), which is bounded: past 65,536 unindexed
/// vectors in a collection, applying waits for the indexer. A checkpoint (and close) drains the backlog into the graph
/// before writing segments, so segments reflect exactly the applied LSN.</para>
/// <para>On open, log entries above the store's applied LSN are replayed. A collection whose index a checkpoint wrote
/// as HNSW segments (<c>index/c{id}/</c>) maps them and catches up with the records written after their LSN; any other
/// collection's index is rebuilt from the stored records (and so is one whose segments are refused, with a warning).
/// Directory layout: <c>LOCK</c>, <c>rocksdb/</c> (record store), <c>log/</c> (write-ahead log), <c>index/</c> (segments).</para>
/// </remarks>
public sealed partial class AgentDatabase : IDisposable
{
    /// <summary>The longest record id, in UTF-8 bytes.</summary>
    public const int MaxIdBytes = StorageKeys.MaxIdBytes;

    /// <summary>The largest vector dimension a collection may have.</summary>
    public const int MaxDimension = 65_536;

    /// <summary>The most hits one search may ask for.</summary>
    public const int MaxSearchResults = 10_000;

    /// <summary>The HNSW search beam width a search uses when it names none (raised to k).</summary>
    public const int DefaultSearchEf = Index.TieredVectorIndex.SearchEf;

    /// <summary>The widest HNSW search beam a search may ask for.</summary>
    public const int MaxSearchEf = 10_000;

    /// <summary>A collection's HNSW links per node (upper levels; level 0 keeps twice as many) when it names none.</summary>
    public const int DefaultHnswM = Index.TieredVectorIndex.DefaultM;

    /// <summary>The most HNSW links per node a collection may ask for.</summary>
    public const int MaxHnswM = Index.Hnsw.HnswOptions.MaxM;

    /// <summary>A collection's HNSW build beam width when it names none.</summary>
    public const int DefaultHnswEfConstruction = Index.TieredVectorIndex.DefaultEfConstruction;

    /// <summary>The widest HNSW build beam a collection may ask for.</summary>
    public const int MaxHnswEfConstruction = 10_000;

    private const string StoreDirectoryName = "rocksdb";
    private const string LogDirectoryName = "log";
    private const string IndexDirectoryName = "index";
    private const int MaxCollectionNameLength = 128;

    // Every write buffer starts with this much room, where the log writes its entry header (no copy of the entry).
    private const int LogRoom = LogEntryHeader.Size;

    private readonly string _path;
    private readonly AgentDatabaseOptions _options;
    private readonly DirectoryLock _directoryLock;
    private readonly IRecordStore _store;
    private readonly FasterLogWriteAheadLog _log;
    private readonly object _appendLock = new();
    private readonly Lock _checkpointLock = new();
    private readonly ApplySequencer _sequencer = new();
    private readonly ReaderWriterLockSlim _stateLock = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<string, CollectionState> _byName = new(StringComparer.Ordinal);

    // _byName looked up by a span of characters (no string per lookup); a view of the same dictionary.
    private readonly Dictionary<string, CollectionState>.AlternateLookup<ReadOnlySpan<char>> _byNameSpan;
    private readonly Dictionary<long, CollectionState> _byId = new();
    private readonly Dictionary<string, LogicalCollection> _logical = new(StringComparer.Ordinal);

    // An entry's decoded writes, from its store stage to its index stage: two sets, by ticket parity. The sequencer lets
    // ticket t into its store stage only once t - 1 holds the turn, so t - 2 is done and its set free.
    private readonly ApplyScratch[] _scratch = [new ApplyScratch(), new ApplyScratch()];
    private long _nextTicket;
    private int _inflight;
    private long _visibleLsn;
    private long _lastDropLsn; // the LSN of the last collection drop applied since open (under _stateLock)
    private int _checkpointRunning;
    private long _compactions;
    private volatile bool _closing;
    private volatile bool _disposed;
    private volatile Exception? _fault;

    private AgentDatabase(string path, AgentDatabaseOptions options, DirectoryLock directoryLock, IRecordStore store, FasterLogWriteAheadLog log)
    {
        _path = path;
        _options = options;
        _directoryLock = directoryLock;
        _store = store;
        _log = log;
        _byNameSpan = _byName.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The database directory (absolute).</summary>
    public string Path => _path;

    /// <summary>The durability mode writes are acknowledged under.</summary>
    public DurabilityMode Durability => _options.Durability;

    /// <summary>
    /// Opens the database in <paramref name="path"/>, creating it when absent: takes the directory lock, opens the record
    /// store and the log, replays log entries not yet applied, then loads each collection's checkpointed index segments
    /// and catches them up with the records, or rebuilds the index from the records.
    /// </summary>
    /// <exception cref="DatabaseLockedException">Another instance holds the directory.</exception>
    /// <exception cref="LogCorruptedException">The log is damaged before its tail.</exception>
    /// <exception cref="ArgumentException">The options are out of range.</exception>
    /// <exception cref="InvalidDataException">The record store is of an unknown format.</exception>
    /// <exception cref="LogBehindRecordsException">A replica's records are applied beyond the end of its log (a crash
    /// between making entries visible and committing them): it must resync from its primary.</exception>
    public static AgentDatabase Open(string path, AgentDatabaseOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new AgentDatabaseOptions();
        if (options.MaxPayloadBytes < 0 || options.MaxPayloadBytes > (1 << options.LogPageSizeBits) / 2)
        {
            throw new ArgumentException($"MaxPayloadBytes {options.MaxPayloadBytes} must be between 0 and half a log page ({(1 << options.LogPageSizeBits) / 2}).", nameof(options));
        }

        if (options.HnswThreshold < 1)
        {
            throw new ArgumentException($"HnswThreshold {options.HnswThreshold} must be at least 1.", nameof(options));
        }

        string full = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(full);
        DirectoryLock directoryLock = DirectoryLock.Acquire(full);
        IRecordStore? store = null;
        FasterLogWriteAheadLog? log = null;
        try
        {
            store = RocksDbRecordStore.Open(System.IO.Path.Combine(full, StoreDirectoryName), new RecordStoreOptions { DisableWal = !options.RecordStoreWal });
            log = FasterLogWriteAheadLog.Open(System.IO.Path.Combine(full, LogDirectoryName), new WriteAheadLogOptions
            {
                Durability = options.Durability,
                GroupCommitInterval = options.GroupCommitInterval,
                MinimumNextLsn = store.AppliedLsn + 1,
                PageSizeBits = options.LogPageSizeBits,
                MemorySizeBits = options.LogMemorySizeBits,
                Warning = options.Warning,
            });
            CheckLogReachesRecords(full, options, store.AppliedLsn, log.RecoveredLastEntryLsn);
            var database = new AgentDatabase(full, options, directoryLock, store, log);
            database.Recover();
            return database;
        }
        catch
        {
            log?.Dispose();
            store?.Dispose();
            directoryLock.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Refuses to open a replica whose log holds entries but ends below the records' applied LSN: the entries between
    /// were made visible before this replica's log commit and lost with it (<see cref="ApplyReplicated(IReadOnlyList{LogRecord})"/>).
    /// Replaying or serving that log would skip them silently (its last LSN would be raised over the hole). A log that
    /// holds no entries (a restored snapshot, or truncated to nothing) starts at the applied LSN and has no hole. A primary
    /// applies only committed entries, except in <see cref="DurabilityMode.None"/>, where losing the last entries of the
    /// log is the mode's promise: it opens as before, with a warning.
    /// </summary>
    private static void CheckLogReachesRecords(string path, AgentDatabaseOptions options, long appliedLsn, long lastLogEntryLsn)
    {
        if (lastLogEntryLsn == 0 || lastLogEntryLsn >= appliedLsn)
        {
            return;
        }

        if (options.Role == DatabaseRole.Replica)
        {
            throw new LogBehindRecordsException(path, appliedLsn, lastLogEntryLsn);
        }

        options.Warning?.Invoke($"The database '{path}' has its records applied up to LSN {appliedLsn}, but its write-ahead log ends at LSN {lastLogEntryLsn}: the log's entries {lastLogEntryLsn + 1}–{appliedLsn} were lost before their commit; the records keep them and new entries continue above LSN {appliedLsn}.");
    }

    /// <summary>
    /// Restores a backup made by <see cref="Backup"/> into <paramref name="targetDirectory"/>, which must not exist or be
    /// empty: the record store and the index segments. Open the target afterwards; indexes with valid segments load
    /// them, the others are rebuilt then.
    /// </summary>
    /// <exception cref="InvalidDataException">The source is not a valid backup.</exception>
    /// <exception cref="IOException">The target is not empty.</exception>
    public static void Restore(string backupDirectory, string targetDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(backupDirectory);
        ArgumentException.ThrowIfNullOrEmpty(targetDirectory);
        BackupManifest.Read(backupDirectory);
        if (Directory.Exists(targetDirectory) && Directory.EnumerateFileSystemEntries(targetDirectory).Any())
        {
            throw new IOException($"The restore target '{targetDirectory}' is not empty.");
        }

        CopyDirectory(System.IO.Path.Combine(backupDirectory, BackupManifest.StoreDirectoryName), System.IO.Path.Combine(targetDirectory, StoreDirectoryName));
        string indexes = System.IO.Path.Combine(backupDirectory, BackupManifest.IndexDirectoryName);
        if (Directory.Exists(indexes))
        {
            CopyDirectory(indexes, System.IO.Path.Combine(targetDirectory, IndexDirectoryName));
        }
    }

    /// <summary>
    /// Creates a collection whose vectors have <paramref name="dimension"/> floats compared by <paramref name="metric"/>.
    /// Once it holds <see cref="AgentDatabaseOptions.HnswThreshold"/> vectors its index is an HNSW graph built with
    /// <paramref name="hnswM"/> links per node and build beam <paramref name="hnswEfConstruction"/>; both are logged and
    /// kept with the collection, so a reopen, a restore and a replica build the same graph.
    /// </summary>
    /// <param name="name">The collection's name.</param>
    /// <param name="dimension">Floats per vector, 1 to <see cref="MaxDimension"/>.</param>
    /// <param name="metric">How distances are measured.</param>
    /// <param name="hnswM">HNSW links per node on upper levels (level 0 keeps twice as many), 2 to <see cref="MaxHnswM"/>; larger is better recall and more memory.</param>
    /// <param name="hnswEfConstruction">HNSW build beam width, <paramref name="hnswM"/> to <see cref="MaxHnswEfConstruction"/>; larger is a better graph and slower inserts.</param>
    /// <exception cref="ArgumentException">The name is empty, longer than 128 characters or has characters other than letters, digits, '_', '-', '.'; or the metric is undefined.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The dimension or an HNSW parameter is out of range.</exception>
    /// <exception cref="CollectionAlreadyExistsException">A collection with the name exists.</exception>
    /// <exception cref="ObjectDisposedException">The database was disposed.</exception>
    public CollectionInfo CreateCollection(string name, int dimension, DistanceMetric metric, int hnswM = DefaultHnswM, int hnswEfConstruction = DefaultHnswEfConstruction) =>
        CreateCollection(name, dimension, metric, hnswM, hnswEfConstruction, ensure: false).Info!;

    /// <summary>
    /// Creates the collection as <see cref="CreateCollection(string, int, DistanceMetric, int, int)"/> does unless one
    /// with the name already exists with the same dimension, metric and HNSW parameters, in which case nothing is
    /// written. Returns whether it was created. Atomic with other creates and drops: two callers ensuring the same
    /// collection at once create it once.
    /// </summary>
    /// <inheritdoc cref="CreateCollection(string, int, DistanceMetric, int, int)"/>
    /// <exception cref="CollectionAlreadyExistsException">A collection with the name exists with other settings (the message names them).</exception>
    public bool EnsureCollection(string name, int dimension, DistanceMetric metric, int hnswM = DefaultHnswM, int hnswEfConstruction = DefaultHnswEfConstruction) =>
        CreateCollection(name, dimension, metric, hnswM, hnswEfConstruction, ensure: true).Created;

    private (CollectionInfo? Info, bool Created) CreateCollection(string name, int dimension, DistanceMetric metric, int hnswM, int hnswEfConstruction, bool ensure)
    {
        ValidateCollectionName(name);
        if (dimension < 1 || dimension > MaxDimension)
        {
            throw new ArgumentOutOfRangeException(nameof(dimension), dimension, $"A collection's dimension must be between 1 and {MaxDimension}.");
        }

        if (!Enum.IsDefined(metric))
        {
            throw new ArgumentException($"Unknown distance metric {(int)metric}.", nameof(metric));
        }

        if (hnswM < 2 || hnswM > MaxHnswM)
        {
            throw new ArgumentOutOfRangeException(nameof(hnswM), hnswM, $"HNSW M must be between 2 and {MaxHnswM}.");
        }

        if (hnswEfConstruction < hnswM || hnswEfConstruction > MaxHnswEfConstruction)
        {
            throw new ArgumentOutOfRangeException(nameof(hnswEfConstruction), hnswEfConstruction, $"HNSW efConstruction must be between M ({hnswM}) and {MaxHnswEfConstruction}.");
        }

        long created = NowUnixMs();
        int size = LogEntryCodec.CreateSize(Encoding.UTF8.GetByteCount(name));
        byte[] buffer = ArrayPool<byte>.Shared.Rent(LogRoom + size);
        long lsn;
        long ticket;
        try
        {
            lock (_appendLock)
            {
                ThrowIfClosed();
                ThrowIfReplica();
                if (_logical.TryGetValue(name, out LogicalCollection existing))
                {
                    if (!ensure)
                    {
                        throw new CollectionAlreadyExistsException(name);
                    }

                    if (existing.Dimension != dimension || existing.Metric != metric || existing.HnswM != hnswM || existing.HnswEfConstruction != hnswEfConstruction)
                    {
                        throw new CollectionAlreadyExistsException(name, string.Create(CultureInfo.InvariantCulture,
                            $"The collection '{name}' exists with other settings: dimension {existing.Dimension}, metric {existing.Metric}, m {existing.HnswM}, efConstruction {existing.HnswEfConstruction} " +
                            $"(asked: dimension {dimension}, metric {metric}, m {hnswM}, efConstruction {hnswEfConstruction})."));
                    }

                    ArrayPool<byte>.Shared.Return(buffer);
                    return (null, false);
                }

                LogEntryCodec.EncodeCreate(buffer.AsSpan(LogRoom, size), created, name, dimension, metric, hnswM, hnswEfConstruction);
                (lsn, ticket) = AppendLocked(buffer, size);
                _logical[name] = new LogicalCollection(lsn, dimension, metric, hnswM, hnswEfConstruction);
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }

        CompleteWrite(lsn, ticket, buffer, size);
        return (new CollectionInfo(name, dimension, metric, created, 0) { HnswM = hnswM, HnswEfConstruction = hnswEfConstruction }, true);
    }

    /// <summary>Drops a collection and all its records. Returns false when it does not exist.</summary>
    /// <exception cref="ObjectDisposedException">The database was disposed.</exception>
    public bool DropCollection(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        int size = LogEntryCodec.HeaderSize + 8;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(LogRoom + size);
        long lsn;
        long ticket;
        try
        {
            lock (_appendLock)
            {
                ThrowIfClosed();
                ThrowIfReplica();
                if (!_logical.TryGetValue(name, out LogicalCollection collection))
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return false;
                }

                LogEntryCodec.EncodeDrop(buffer.AsSpan(LogRoom, size), NowUnixMs(), collection.Id);
                (lsn, ticket) = AppendLocked(buffer, size);
                _logical.Remove(name);
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }

        CompleteWrite(lsn, ticket, buffer, size);
        return true;
    }

    /// <summary>The collections that exist, in no particular order.</summary>
    /// <exception cref="ObjectDisposedException">The database was disposed.</exception>
    public IReadOnlyList<CollectionInfo> ListCollections()
    {
        _stateLock.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            var result = new List<CollectionInfo>(_byName.Count);
            foreach (CollectionState state in _byName.Values)
            {
                CollectionDescriptor d = state.Descriptor;
                result.Add(new CollectionInfo(d.Name, d.Dimension, d.Metric, d.CreatedUnixMs, d.RecordCount) { HnswM = d.HnswM, HnswEfConstruction = d.HnswEfConstruction, PayloadIndexes = d.PayloadIndexFields.AsReadOnly() });
            }

            return result;
        }
        finally
        {
            _stateLock.ExitReadLock();
        }
    }

    /// <summary>
    /// When collection <paramref name="name"/> last changed, for caches derived from its records (the agent memory's
    /// query cache on a replica): true and, in <paramref name="lsn"/>, the LSN of the last applied entry that changed
    /// it (a record write, its creation, a payload index), or the LSN the database opened at when nothing changed it
    /// since; false when no such collection exists, and <paramref name="lsn"/> is then the LSN of the last collection
    /// drop applied since open (0 when none). Every entry that changes a collection moves its value (LSNs only grow),
    /// and an entry that does not change it leaves it. Taken from the applied state: it may already count an entry that
    /// is being applied but not yet complete (an LSN above <see cref="VisibleLsn"/>). Cheap: one lookup, no allocation.
    /// </summary>
    /// <param name="name">The collection's name.</param>
    /// <param name="lsn">The collection's change LSN, or, when it does not exist, the last drop's LSN.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The database was disposed.</exception>
    public bool TryGetCollectionChangeLsn(string name, out long lsn)
    {
        ArgumentNullException.ThrowIfNull(name);
        _stateLock.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            if (_byName.TryGetValue(name, out CollectionState? state))
            {
                lsn = state.ChangeLsn;
                return true;
            }

            lsn = _lastDropLsn;
            return false;
        }
        finally
        {
            _stateLock.ExitReadLock();
        }
    }

    /// <summary>
    /// Inserts or replaces record <paramref name="id"/>: payload and vector are replaced whole (an empty
    /// <paramref name="vector"/> means the record has none); the created timestamp is kept. Returns the write's LSN once
    /// it is applied and durable per the durability mode.
    /// </summary>
    /// <exception cref="ArgumentException">The id is empty or over 512 UTF-8 bytes, the payload exceeds <see cref="AgentDatabaseOptions.MaxPayloadBytes"/>, or the vector's dimension differs from the collection's or holds a non-finite value.</exception>
    /// <exception cref="CollectionNotFoundException">The collection does not exist.</exception>
    /// <exception cref="ObjectDisposedException">The database was disposed.</exception>
    /// <exception cref="IOException">The log could not be committed.</exception>
    public long Upsert(string collection, string id, ReadOnlySpan<byte> payload, ReadOnlySpan<float> vector = default)
    {
        (byte[] buffer, int size, long lsn, long ticket) = AppendSingle(RecordWriteKind.Upsert, collection, id, payload, vector);
        CompleteWrite(lsn, ticket, buffer, size);
        return lsn;
    }

    /// <summary>The asynchronous form of <see cref="Upsert"/>: completes when the write is applied and durable per the mode.</summary>
    /// <remarks>The token is honoured until the write is appended to the log; after that the write completes regardless.</remarks>
    /// <exception cref="ArgumentException">As for <see cref="Upsert"/>.</exception>
    /// <exception cref="CollectionNotFoundException">The collection does not exist.</exception>
    /// <exception cref="ObjectDisposedException">The database was disposed.</exception>
    public async ValueTask<long> UpsertAsync(string collection, string id, ReadOnlyMemory<byte> payload, ReadOnlyMemory<float> vector = default, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        (byte[] buffer, int size, long lsn, long ticket) = AppendSingle(RecordWriteKind.Upsert, collection, id, payload.Span, vector.Span);
        await CompleteWriteAsync(lsn, ticket, buffer, size).ConfigureAwait(false);
        return lsn;
    }

    /// <summary>Deletes record <paramref name="id"/>. Returns whether it existed.</summary>
    /// <exception cref="ArgumentException">The id is empty or over 512 UTF-8 bytes.</exception>
    /// <exception cref="CollectionNotFoundException">The collection does not exist.</exception>
    /// <exception cref="ObjectDisposedException">The database was disposed.</exception>
    public bool Delete(string collection, string id)
    {
        (byte[] buffer, int size, long lsn, long ticket) = AppendSingle(RecordWriteKind.Delete, collection, id, default, default);
        return CompleteWrite(lsn, ticket, buffer, size);
    }

    /// <summary>The asynchronous form of <see cref="Delete"/>.</summary>
    /// <exception cref="ArgumentException">As for <see cref="Delete"/>.</exception>
    /// <exception cref="CollectionNotFoundException">The collection does not exist.</exception>
    /// <exception cref="ObjectDisposedException">The database was disposed.</exception>
    public async ValueTask<bool> DeleteAsync(string collection, string id, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        (byte[] buffer, int size, long lsn, long ticket) = AppendSingle(RecordWriteKind.Delete, collection, id, default, default);
        return await CompleteWriteAsync(lsn, ticket, buffer, size).ConfigureAwait(false);
    }

    /// <summary>
    /// Applies every operation of <paramref name="batch"/> atomically (all or none, one log entry). Returns the LSN.
    /// An empty batch does nothing and returns the last applied LSN.
    /// </summary>
    /// <exception cref="ArgumentException">An operation breaks a rule of <see cref="Upsert"/>, or the batch does not fit in one log entry (a log page).</exception>
    /// <exception cref="CollectionNotFoundException">An operation names a collection that does not exist; nothing is written.</exception>
    /// <exception cref="ObjectDisposedException">The database was disposed.</exception>
    public long Batch(RecordBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            ThrowIfClosed();
            return _store.AppliedLsn;
        }

        (byte[] buffer, int size, long lsn, long ticket) = AppendBatch(batch);
        CompleteWrite(lsn, ticket, buffer, size);
        return lsn;
    }

    /// <summary>The asynchronous form of <see cref="Batch"/>.</summary>
    /// <exception cref="ArgumentException">As for <see cref="Batch"/>.</exception>
    /// <exception cref="CollectionNotFoundException">As for <see cref="Batch"/>.</exception>
    /// <exception cref="ObjectDisposedException">The database was disposed.</exception>
    public async ValueTask<long> BatchAsync(RecordBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        cancellationToken.ThrowIfCancellationRequested();
        if (batch.Count == 0)
        {
            ThrowIfClosed();
            return _store.AppliedLsn;
        }

        (byte[] buffer, int size, long lsn, long ticket) = AppendBatch(batch);
        await CompleteWriteAsync(lsn, ticket, buffer, size).ConfigureAwait(false);
        return lsn;
    }

    /// <summary>Reads record <paramref name="id"/>, or returns null when it does not exist.</summary>
    /// <exception cref="ArgumentException">The id is empty or over 512 UTF-8 bytes.</exception>
    /// <exception cref="CollectionNotFoundException">The collection does not exist.</exception>
    /// <exception cref="ObjectDisposedException">The database was disposed.</exception>
    public StoredRecord? Get(string collection, string id) => TryGet(collection, id, out StoredRecord? record) ? record : null;

    /// <summary>Reads record <paramref name="id"/>; false when it does not exist.</summary>
    /// <exception cref="ArgumentException">The id is empty or over 512 UTF-8 bytes.</exception>
    /// <exception cref="CollectionNotFoundException">The collection does not exist.</exception>
    /// <exception cref="ObjectDisposedException">The database was disposed.</exception>
    public bool TryGet(string collection, string id, [NotNullWhen(true)] out StoredRecord? record)
    {
        ValidateId(id);
        Span<byte> idUtf8 = stackalloc byte[MaxIdBytes];
        int idLength = Encoding.UTF8.GetBytes(id, idUtf8);
        _stateLock.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            CollectionState state = RequireCollection(collection);
            return _store.TryGet(state.Descriptor, idUtf8[..idLength], out record);
        }
        finally
        {
            _stateLock.ExitReadLock();
        }
    }

    /// <summary>
    /// Reads record <paramref name="idUtf8"/> without materialising it: the stored value is read into a buffer the
    /// calling thread reuses and shown to <paramref name="visitor"/> in place (no <see cref="StoredRecord"/>, no copies of
    /// the payload or the vector, nothing allocated). False, without a call, when the record does not exist. The visitor
    /// runs under the database's read lock: it must be short and must not call the database.
    /// </summary>
    /// <param name="collection">The collection's name.</param>
    /// <param name="idUtf8">The record id, 1–512 bytes of UTF-8.</param>
    /// <param name="visitor">Receives the record.</param>
    /// <exception cref="ArgumentException">The id is empty, over 512 bytes or not UTF-8.</exception>
    /// <exception cref="CollectionNotFoundException">The collection does not exist.</exception>
    /// <exception cref="ObjectDisposedException">The database was disposed.</exception>
    public bool TryRead<TVisitor>(scoped ReadOnlySpan<char> collection, scoped ReadOnlySpan<byte> idUtf8, ref TVisitor visitor)
        where TVisitor : IRecordVisitor, allows ref struct
    {
        if (idUtf8.IsEmpty || idUtf8.Length > MaxIdBytes || !System.Text.Unicode.Utf8.IsValid(idUtf8))
        {
            ThrowBadIdUtf8(idUtf8);
        }

        _stateLock.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            if (!_byNameSpan.TryGetValue(collection, out CollectionState? state))
            {
                ThrowCollectionNotFound(collection.ToString());
            }

            return _store.TryRead(state.Descriptor, idUtf8, ref visitor);
        }
        finally
        {
            _stateLock.ExitReadLock();
        }
    }

    /// <summary>Up to <paramref name="limit"/> records whose ids start with <paramref name="prefix"/> (ordinal UTF-8 byte order).</summary>
    /// <param name="collection">The collection.</param>
    /// <param name="prefix">The ids' prefix.</param>
    /// <param name="limit">How many records at most, 1 to 100 000.</param>
    /// <param name="includeVectors">False: the records come without their vectors (<see cref="StoredRecord.Vector"/> null), not read out of the store.</param>
    /// <exception cref="ArgumentOutOfRangeException">The limit is not between 1 and 100 000.</exception>
    /// <exception cref="CollectionNotFoundException">The collection does not exist.</exception>
    /// <exception cref="ObjectDisposedException">The database was disposed.</exception>
    public IReadOnlyList<StoredRecord> ScanPrefix(string collection, string prefix, int limit, bool includeVectors = true)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        byte[] lower = Encoding.UTF8.GetBytes(prefix);
        byte[] upper = PrefixUpperBound(lower);
        return ScanCore(collection, lower, upper, limit, includeVectors);
    }

    /// <summary>
    /// Up to <paramref name="limit"/> records with ids in [<paramref name="fromInclusive"/>, <paramref name="toExclusive"/>)
    /// in ordinal UTF-8 byte order; a null bound is open.
    /// </summary>
    /// <param name="collection">The collection.</param>
    /// <param name="fromInclusive">The first id, or null to start at the first record.</param>
    /// <param name="toExclusive">The id to stop before, or null to go to the last record.</param>
    /// <param name="limit">How many records at most, 1 to 100 000.</param>
    /// <param name="includeVectors">False: the records come without their vectors (<see cref="StoredRecord.Vector"/> null), not read out of the store.</param>
    /// <exception cref="ArgumentOutOfRangeException">The limit is not between 1 and 100 000.</exception>
    /// <exception cref="CollectionNotFoundException">The collection does not exist.</exception>
    /// <exception cref="ObjectDisposedException">The database was disposed.</exception>
    public IReadOnlyList<StoredRecord> ScanRange(string collection, string? fromInclusive, string? toExclusive, int limit, bool includeVectors = true) =>
        ScanCore(collection, Encoding.UTF8.GetBytes(fromInclusive ?? string.Empty), toExclusive is null ? [] : Encoding.UTF8.GetBytes(toExclusive), limit, includeVectors);

    /// <summary>Records in the collection.</summary>
    /// <exception cref="CollectionNotFoundException">The collection does not exist.</exception>
    /// <exception cref="ObjectDisposedException">The database was disposed.</exception>
    public long Count(string collection)
    {
        _stateLock.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            return RequireCollection(collection).Descriptor.RecordCount;
        }
        finally
        {
            _stateLock.ExitReadLock();
        }
    }

    /// <summary>
    /// The <paramref name="k"/> records whose vectors are nearest to <paramref name="vector"/>, nearest first, keeping only
    /// records whose payload satisfies <paramref name="filter"/> when one is given.
    /// </summary>
    /// <param name="collection">The collection to search.</param>
    /// <param name="vector">The query, of the collection's dimension.</param>
    /// <param name="k">How many hits, 1 to <see cref="MaxSearchResults"/>.</param>
    /// <param name="filter">Keeps only records whose payload satisfies it; null keeps all.</param>
    /// <param name="ef">
    /// The HNSW search beam width, 1 to <see cref="MaxSearchEf"/>, raised to k (default <see cref="DefaultSearchEf"/>):
    /// wider finds more of the true nearest neighbours and costs more. Only the HNSW tier uses it; a collection below
    /// <see cref="AgentDatabaseOptions.HnswThreshold"/> vectors, and vectors not yet linked into the graph, are scanned exactly.
    /// It is the beam for a graph of up to 100,000 nodes: each larger part of the index (the mutable graph, each sealed
    /// segment) is searched with ef × (nodes / 100,000)^0.75, at most 4,096, because the beam a given recall needs grows
    /// with the graph (docs/BENCHMARKS.md, "Recall against size").
    /// </param>
    /// <exception cref="ArgumentException">The vector's dimension differs from the collection's or holds a non-finite value.</exception>
    /// <exception cref="ArgumentOutOfRangeException">k is not between 1 and 10 000, or ef not between 1 and <see cref="MaxSearchEf"/>.</exception>
    /// <exception cref="CollectionNotFoundException">The collection does not exist.</exception>
    /// <exception cref="ObjectDisposedException">The database was disposed.</exception>
    public IReadOnlyList<SearchResult> Search(string collection, ReadOnlySpan<float> vector, int k, PayloadFilter? filter = null, int ef = DefaultSearchEf)
    {
        if (k < 1 || k > MaxSearchResults)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be between 1 and {MaxSearchResults}.");
        }

        if (ef < 1 || ef > MaxSearchEf)
        {
            throw new ArgumentOutOfRangeException(nameof(ef), ef, $"ef must be between 1 and {MaxSearchEf}.");
        }

        ValidateVectorValues(vector);
        VectorSearchHit[] hits = ArrayPool<VectorSearchHit>.Shared.Rent(k);
        _stateLock.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            CollectionState state = RequireCollection(collection);
            CheckDimension(state.Descriptor.Name, state.Descriptor.Dimension, vector.Length);
            int found;
            bool indexed = false;
            if (filter is null)
            {
                found = state.Index.Search(vector, k, hits, null, ef);
            }
            else if (TrySearchIndexed(state, filter, vector, k, hits, ef, out found))
            {
                indexed = true;
            }
            else
            {
                found = state.Index.Search(vector, k, hits, new PayloadFilterMatcher(_store, state.Descriptor, filter), ef);
            }

            var results = new List<SearchResult>(found);
            for (int i = 0; i < found; i++)
            {
                // An indexed answer is checked against the record read here: a write applying during the search may have
                // changed the record after the index was asked.
                if (_store.TryGetByInternalId(state.Descriptor, hits[i].InternalId, out StoredRecord? record) && (!indexed || filter!.Matches(record.Payload)))
                {
                    results.Add(new SearchResult(record, hits[i].Distance));
                }
            }

            return results;
        }
        finally
        {
            _stateLock.ExitReadLock();
            ArrayPool<VectorSearchHit>.Shared.Return(hits);
        }
    }

    /// <summary>
    /// Writes each HNSW-tier collection's new vectors as an immutable index segment (fsynced, renamed, directory
    /// fsynced), flushes the record store (making everything applied durable in it), names the segments in each
    /// collection's manifest together with the applied LSN they reflect, and truncates the log below that LSN, except
    /// what registered log readers still need. Writes pause while the index backlog (vectors not yet linked into the
    /// graph by the background indexer) is linked and the segments are written. Segments with many deleted
    /// points (or too many segments) are then merged. Runs automatically past
    /// <see cref="AgentDatabaseOptions.CheckpointLogBytes"/>.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The database was disposed.</exception>
    /// <exception cref="InvalidOperationException">The database failed earlier and must be reopened.</exception>
    /// <exception cref="IOException">A segment file or the record store could not be written.</exception>
    public void Checkpoint()
    {
        lock (_checkpointLock)
        {
            long ticket;
            lock (_appendLock)
            {
                ThrowIfClosed();
                ticket = _nextTicket++; // a barrier in apply order: the indexes hold exactly the writes up to 'lsn'
                Interlocked.Increment(ref _inflight);
            }

            long lsn;
            List<TieredVectorIndex> sealedIndexes;
            try
            {
                _sequencer.WaitTurn(ticket);
                try
                {
                    _stateLock.EnterReadLock();
                    try
                    {
                        ThrowIfDisposed();
                        lsn = _store.AppliedLsn;
                        sealedIndexes = SealIndexes();
                    }
                    finally
                    {
                        _stateLock.ExitReadLock();
                    }
                }
                finally
                {
                    _sequencer.Complete(ticket);
                }
            }
            finally
            {
                Interlocked.Decrement(ref _inflight);
            }

            _stateLock.EnterReadLock();
            try
            {
                ThrowIfDisposed();
                PublishCheckpoint(lsn, sealedIndexes);
            }
            finally
            {
                _stateLock.ExitReadLock();
            }

            foreach (TieredVectorIndex index in sealedIndexes)
            {
                if (index.CompactIfWorthwhile())
                {
                    Interlocked.Increment(ref _compactions);
                }
            }
        }
    }

    /// <summary>
    /// Streams committed write-ahead log entries with LSN ≥ <paramref name="fromLsn"/> in LSN order: the feed a replica
    /// or an external consumer reads. Each <see cref="LogRecord.Payload"/> is one engine log entry exactly as appended.
    /// Entries below <see cref="DatabaseStats.FirstLogLsn"/> were truncated: the stream then starts at the first retained
    /// entry (compare <see cref="LogRecord.Lsn"/> to detect the gap). Register a reader with
    /// <see cref="RegisterLogReader"/> first to keep the entries it still needs from being truncated.
    /// </summary>
    /// <param name="fromLsn">The first LSN wanted.</param>
    /// <param name="follow">False: the stream ends at the last committed entry. True: it waits for new commits until cancelled or the database is disposed.</param>
    /// <param name="cancellationToken">Ends the stream with <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="ObjectDisposedException">The database was disposed.</exception>
    public IAsyncEnumerable<LogRecord> ReadLog(long fromLsn, bool follow = false, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return _log.ReadFrom(fromLsn, follow, cancellationToken);
    }

    /// <summary>
    /// Registers a reader (a replica, an external consumer) that still needs log entries from <paramref name="lsn"/> on:
    /// checkpoints do not truncate the log at or above its position until it advances
    /// (<see cref="LogReaderRegistration.Advance"/>) or is disposed. Registrations live in memory only.
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty or already registered.</exception>
    /// <exception cref="ObjectDisposedException">The database was disposed.</exception>
    public LogReaderRegistration RegisterLogReader(string name, long lsn)
    {
        ThrowIfDisposed();
        return _log.RegisterReader(name, lsn);
    }

    /// <summary>Waits until every entry up to <paramref name="lsn"/> is durable in the log (whatever the durability mode).</summary>
    /// <exception cref="IOException">The log could not be committed.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The database was disposed.</exception>
    public ValueTask WaitForLogCommitAsync(long lsn, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return _log.WaitForCommitAsync(lsn, cancellationToken);
    }

    /// <summary>
    /// Writes a consistent backup to <paramref name="directory"/> (which must not exist or be empty): a RocksDB checkpoint
    /// of the record store, a copy of the index segments of the last checkpoint (each with the LSN it reflects, at most
    /// the backup's) and a manifest with the applied LSN. Writes pause while the store's checkpoint is taken (a flush and
    /// hard links), not while segments are copied; every write acknowledged before the call is in it. A restored
    /// database loads the segments and catches up from the records.
    /// </summary>
    /// <exception cref="IOException">The directory is not empty, or the checkpoint failed.</exception>
    /// <exception cref="ObjectDisposedException">The database was disposed.</exception>
    public BackupInfo Backup(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string full = System.IO.Path.GetFullPath(directory);
        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any())
        {
            throw new IOException($"The backup directory '{full}' is not empty.");
        }

        lock (_checkpointLock) // no checkpoint moves the segments' LSN past the store checkpoint's meanwhile
        {
            long ticket;
            lock (_appendLock)
            {
                ThrowIfClosed();
                ticket = _nextTicket++; // a barrier in apply order: no write applies while the checkpoint is taken
                Interlocked.Increment(ref _inflight);
            }

            long applied;
            try
            {
                _sequencer.WaitTurn(ticket);
                try
                {
                    Directory.CreateDirectory(full);
                    _stateLock.EnterReadLock();
                    try
                    {
                        applied = _store.AppliedLsn;
                        _store.CreateCheckpoint(System.IO.Path.Combine(full, BackupManifest.StoreDirectoryName));
                    }
                    finally
                    {
                        _stateLock.ExitReadLock();
                    }
                }
                finally
                {
                    _sequencer.Complete(ticket);
                }

                _stateLock.EnterReadLock();
                try
                {
                    ThrowIfDisposed();
                    foreach (CollectionState state in _byId.Values)
                    {
                        state.Index.CopyCheckpointTo(System.IO.Path.Combine(full, BackupManifest.IndexDirectoryName, CollectionDescriptor.ColumnFamilyName(state.Descriptor.Id)));
                    }
                }
                finally
                {
                    _stateLock.ExitReadLock();
                }
            }
            finally
            {
                Interlocked.Decrement(ref _inflight);
            }

            long created = NowUnixMs();
            BackupManifest.Write(full, applied, created);
            return new BackupInfo(full, applied, created);
        }
    }

    /// <summary>A snapshot of sizes and log positions.</summary>
    /// <exception cref="ObjectDisposedException">The database was disposed.</exception>
    public DatabaseStats GetStats()
    {
        _stateLock.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            var collections = new List<CollectionStats>(_byName.Count);
            long records = 0;
            foreach (CollectionState state in _byName.Values)
            {
                CollectionDescriptor d = state.Descriptor;
                records += d.RecordCount;
                TieredVectorIndex index = state.Index;
                collections.Add(new CollectionStats(d.Name, d.Dimension, d.Metric, d.RecordCount, index.Count, index.MemoryBytes)
                {
                    IndexSegments = index.SegmentCount,
                    VectorsFromSegments = index.VectorsFromSegments,
                    VectorsRebuilt = index.VectorsRebuilt,
                    PendingVectors = index.PendingVectors,
                });
            }

            long storeBytes = _store.SizeOnDisk();
            long logBytes = RocksDbRecordStore.DirectorySize(_log.DirectoryPath);
            return new DatabaseStats(
                records,
                RocksDbRecordStore.DirectorySize(_path),
                storeBytes,
                logBytes,
                _log.LastLsn,
                _log.CommittedLsn,
                _store.AppliedLsn,
                _log.FirstLsn,
                collections)
            {
                IndexCompactions = Interlocked.Read(ref _compactions),
            };
        }
        finally
        {
            _stateLock.ExitReadLock();
        }
    }

    /// <summary>
    /// Waits for writes in flight, commits the log, writes the HNSW-tier indexes' new vectors as segments, flushes the
    /// record store, truncates the log to what replay would need, and releases the directory lock. Later calls throw
    /// <see cref="ObjectDisposedException"/>.
    /// </summary>
    public void Dispose()
    {
        lock (_appendLock)
        {
            if (_closing)
            {
                return;
            }

            _closing = true;
        }

        SpinWait.SpinUntil(() => Volatile.Read(ref _inflight) == 0 && Volatile.Read(ref _checkpointRunning) == 0, TimeSpan.FromSeconds(30));
        _stateLock.EnterWriteLock();
        try
        {
            _disposed = true;
        }
        finally
        {
            _stateLock.ExitWriteLock();
        }

        try
        {
            if (_fault is null)
            {
                lock (_checkpointLock)
                {
                    long applied = _store.AppliedLsn; // no writer is left: the indexes hold exactly this
                    List<TieredVectorIndex> sealedIndexes = [];
                    try
                    {
                        sealedIndexes = SealIndexes();
                    }
                    catch (IOException exception)
                    {
                        // The index is derived data: the next open catches up from the older segments or rebuilds.
                        _options.Warning?.Invoke($"Writing the vector index segments of '{_path}' at close failed: {exception.Message}");
                    }

                    PublishCheckpoint(applied, sealedIndexes);
                }
            }
        }
        finally
        {
            _log.Dispose();
            _store.Dispose();
            foreach (CollectionState state in _byId.Values)
            {
                state.Index.Dispose();
            }

            _directoryLock.Dispose();
        }
    }

    /// <summary>For tests: the write-ahead log (its commit seam, <see cref="FasterLogWriteAheadLog.CommitHoldForTests"/>).</summary>
    internal FasterLogWriteAheadLog WriteAheadLogForTests => _log;

    /// <summary>For tests: the payload index on <paramref name="field"/> of <paramref name="collection"/>, or null.</summary>
    internal PayloadFieldIndex? PayloadIndexOf(string collection, string field)
    {
        _stateLock.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            return RequireCollection(collection).FindPayloadIndex(Encoding.UTF8.GetBytes(field));
        }
        finally
        {
            _stateLock.ExitReadLock();
        }
    }

    /// <summary>For tests: the vector index of <paramref name="collection"/> (to pause its background indexer).</summary>
    internal TieredVectorIndex IndexOf(string collection)
    {
        _stateLock.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            return RequireCollection(collection).Index;
        }
        finally
        {
            _stateLock.ExitReadLock();
        }
    }

    internal static void ValidateId(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (id.Length == 0 || id.Length > MaxIdBytes || (id.Length > MaxIdBytes / 3 && Encoding.UTF8.GetByteCount(id) > MaxIdBytes))
        {
            ThrowBadId(id);
        }
    }

    internal static void ValidateVectorValues(ReadOnlySpan<float> vector)
    {
        // A float is NaN or infinite exactly when all its exponent bits are set. Whole vectors of lanes are checked at
        // once (every record of a batch passes here); the first lane group holding one falls to the scalar loop below,
        // which names the index.
        ReadOnlySpan<int> bits = System.Runtime.InteropServices.MemoryMarshal.Cast<float, int>(vector);
        var exponent = new System.Numerics.Vector<int>(0x7F80_0000);
        int i = 0;
        for (; i <= bits.Length - System.Numerics.Vector<int>.Count; i += System.Numerics.Vector<int>.Count)
        {
            if (System.Numerics.Vector.EqualsAny(new System.Numerics.Vector<int>(bits[i..]) & exponent, exponent))
            {
                break;
            }
        }

        for (; i < vector.Length; i++)
        {
            if (!float.IsFinite(vector[i]))
            {
                ThrowNonFinite(vector[i], i);
            }
        }
    }

    private (byte[] Buffer, int Size, long Lsn, long Ticket) AppendSingle(RecordWriteKind kind, string collection, string id, ReadOnlySpan<byte> payload, ReadOnlySpan<float> vector)
    {
        ArgumentNullException.ThrowIfNull(collection);
        ValidateId(id);
        CheckPayload(payload.Length);
        ValidateVectorValues(vector);
        Span<byte> idUtf8 = stackalloc byte[MaxIdBytes];
        idUtf8 = idUtf8[..Encoding.UTF8.GetBytes(id, idUtf8)];
        int size = LogEntryCodec.WritesSize(1, idUtf8.Length + payload.Length + (4L * vector.Length));
        byte[] buffer = ArrayPool<byte>.Shared.Rent(LogRoom + size);
        try
        {
            lock (_appendLock)
            {
                ThrowIfClosed();
                ThrowIfReplica();
                LogicalCollection target = ResolveForWrite(collection, vector.Length);
                Span<byte> entry = buffer.AsSpan(LogRoom, size);
                int offset = LogEntryCodec.WriteHeader(entry, LogOpCode.Writes, NowUnixMs());
                offset += LogEntryCodec.WriteCount(entry[offset..], 1);
                LogEntryCodec.EncodeWrite(entry[offset..], kind, target.Id, idUtf8, payload, vector);
                (long lsn, long ticket) = AppendLocked(buffer, size);
                return (buffer, size, lsn, ticket);
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private (byte[] Buffer, int Size, long Lsn, long Ticket) AppendBatch(RecordBatch batch)
    {
        IReadOnlyList<BatchOperation> operations = batch.Operations;
        ReadOnlySpan<byte> bytes = batch.Bytes;
        long body = 0;
        for (int i = 0; i < operations.Count; i++)
        {
            BatchOperation op = operations[i];
            CheckPayload(op.PayloadLength);
            body += op.IdLength + op.PayloadLength + (4L * op.VectorFloats);
        }

        int size;
        try
        {
            size = LogEntryCodec.WritesSize(operations.Count, body);
        }
        catch (OverflowException)
        {
            throw new ArgumentException($"The batch of {operations.Count} operations is too large for one log entry.", nameof(batch));
        }

        if (size > _log.MaxPayloadBytes)
        {
            throw new ArgumentException($"The batch encodes to {size} bytes; one log entry holds at most {_log.MaxPayloadBytes} (raise LogPageSizeBits or split the batch).", nameof(batch));
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(LogRoom + size);
        try
        {
            lock (_appendLock)
            {
                ThrowIfClosed();
                ThrowIfReplica();
                Span<byte> entry = buffer.AsSpan(LogRoom, size);
                int offset = LogEntryCodec.WriteHeader(entry, LogOpCode.Writes, NowUnixMs());
                offset += LogEntryCodec.WriteCount(entry[offset..], operations.Count);
                for (int i = 0; i < operations.Count; i++)
                {
                    BatchOperation op = operations[i];
                    LogicalCollection target = ResolveForWrite(op.Collection, op.VectorFloats);
                    ReadOnlySpan<float> vector = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes.Slice(op.VectorOffset, 4 * op.VectorFloats));
                    offset += LogEntryCodec.EncodeWrite(entry[offset..], op.Kind, target.Id, bytes.Slice(op.IdOffset, op.IdLength), bytes.Slice(op.PayloadOffset, op.PayloadLength), vector);
                }

                (long lsn, long ticket) = AppendLocked(buffer, size);
                return (buffer, size, lsn, ticket);
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>
    /// Appends the entry at <c>buffer[LogRoom..(LogRoom + size)]</c> under <see cref="_appendLock"/>: the LSN order, the
    /// ticket order and the log order are one order. The log writes its header into the room in front, so the entry is
    /// not copied before the log's own page.
    /// </summary>
    private (long Lsn, long Ticket) AppendLocked(byte[] buffer, int size)
    {
        long lsn = _log.AppendWithHeaderRoom(buffer.AsSpan(0, LogRoom + size));
        long ticket = _nextTicket++;
        Interlocked.Increment(ref _inflight);
        return (lsn, ticket);
    }

    /// <summary>
    /// Durability wait, then apply in turn. Returns whether the first write's record existed (for deletes). When the
    /// entry's apply turn has already come (every earlier entry is applied: a lone writer, or the oldest of several), its
    /// store batch is prepared — the existence lookups and the batch built, nothing written or visible — before the
    /// durability wait, so that work overlaps the commit; the batch is written only once the entry is durable.
    /// </summary>
    private bool CompleteWrite(long lsn, long ticket, byte[] buffer, int size)
    {
        try
        {
            ApplyScratch scratch = ScratchOf(ticket);
            int prepared;
            try
            {
                prepared = _sequencer.IsStoreTurn(ticket) ? PrepareEntry(lsn, buffer.AsMemory(LogRoom, size), scratch) : -1;
                _log.Commit(lsn);
                if (prepared < 0)
                {
                    _sequencer.WaitStoreTurn(ticket);
                    prepared = PrepareEntry(lsn, buffer.AsMemory(LogRoom, size), scratch);
                }
                else
                {
                    _sequencer.ThrowIfFaulted(); // as the wait would: nothing applies after a failure
                }
            }
            catch (Exception exception)
            {
                Fault(exception); // the entry is in the log but cannot be applied in order: stop all writers
                throw;
            }

            if (prepared < 0)
            {
                WaitTurnOrFault(ticket); // not a writes entry: it applies alone
                return ApplyInTurn(lsn, ticket, buffer, size);
            }

            bool existed = WritePrepared(lsn, prepared, scratch);
            PassStoreTurnOrFault(ticket);
            IndexInTurn(lsn, ticket, prepared, scratch);
            return existed;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            Interlocked.Decrement(ref _inflight);
            MaybeCheckpoint();
        }
    }

    /// <summary>
    /// The last LSN whose entry is applied to the records <em>and</em> the indexes: a read sees every write up to it,
    /// by id and by search. <see cref="AppliedLsn"/> (the record store's) may run up to two entries ahead of it: the
    /// entry whose vectors are being indexed, and the next one, whose records were written meanwhile (see
    /// <see cref="ApplySequencer"/>). Read-your-writes waits for this one.
    /// </summary>
    public long VisibleLsn => Volatile.Read(ref _visibleLsn);

    private async ValueTask<bool> CompleteWriteAsync(long lsn, long ticket, byte[] buffer, int size)
    {
        try
        {
            ApplyScratch scratch = ScratchOf(ticket);
            int prepared;
            try
            {
                prepared = _sequencer.IsStoreTurn(ticket) ? PrepareEntry(lsn, buffer.AsMemory(LogRoom, size), scratch) : -1;
                await _log.CommitAsync(lsn, CancellationToken.None).ConfigureAwait(false);
                if (prepared < 0)
                {
                    await _sequencer.WaitStoreTurnAsync(ticket).ConfigureAwait(false);
                    prepared = PrepareEntry(lsn, buffer.AsMemory(LogRoom, size), scratch);
                    if (prepared < 0)
                    {
                        await _sequencer.WaitTurnAsync(ticket).ConfigureAwait(false); // not a writes entry: it applies alone
                    }
                }
                else
                {
                    _sequencer.ThrowIfFaulted();
                }
            }
            catch (Exception exception)
            {
                Fault(exception);
                throw;
            }

            if (prepared < 0)
            {
                return ApplyInTurn(lsn, ticket, buffer, size);
            }

            bool existed = WritePrepared(lsn, prepared, scratch);
            try
            {
                await _sequencer.PassStoreTurnAsync(ticket).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                Fault(exception);
                throw;
            }

            IndexInTurn(lsn, ticket, prepared, scratch);
            return existed;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            Interlocked.Decrement(ref _inflight);
            MaybeCheckpoint();
        }
    }

    private ApplyScratch ScratchOf(long ticket) => _scratch[ticket & 1];

    /// <summary>
    /// For a writes entry, in its store turn: decodes it into <paramref name="scratch"/> and has the store prepare its
    /// batch (<see cref="IRecordStore.PrepareWrites"/>); returns the number of writes. -1 for any other entry, which
    /// <see cref="ApplyEntry"/> applies whole.
    /// </summary>
    private int PrepareEntry(long lsn, ReadOnlyMemory<byte> entry, ApplyScratch scratch)
    {
        if (LogEntryCodec.ReadHeader(entry.Span, lsn, out long timestamp) != LogOpCode.Writes)
        {
            return -1;
        }

        int count = LogEntryCodec.DecodeWrites(entry, lsn, ref scratch.Writes);
        if (scratch.Outcomes.Length < count)
        {
            scratch.Outcomes = new RecordWriteOutcome[scratch.Writes.Length];
        }

        _store.PrepareWrites(lsn, timestamp, scratch.Writes.AsSpan(0, count), scratch.Outcomes.AsSpan(0, count));
        return count;
    }

    /// <summary>
    /// The store stage's end: writes the batch <see cref="PrepareEntry"/> prepared for <paramref name="count"/> writes.
    /// Returns whether the first write's record existed. Faults the database when the write fails.
    /// </summary>
    private bool WritePrepared(long lsn, int count, ApplyScratch scratch)
    {
        try
        {
            _store.CommitPreparedWrites(lsn, scratch.Writes.AsSpan(0, count));
        }
        catch (Exception exception)
        {
            Fault(exception); // the store and the log disagree now: no further write may apply before a reopen replays
            throw;
        }

        return count > 0 && scratch.Outcomes[0].Existed;
    }

    /// <summary>The index stage, in the entry's turn: updates the indexes, makes the entry visible and ends its turn.</summary>
    private void IndexInTurn(long lsn, long ticket, int count, ApplyScratch scratch)
    {
        try
        {
            ApplyToIndexes(lsn, count, scratch);
        }
        catch (Exception exception)
        {
            Fault(exception);
            throw;
        }

        Volatile.Write(ref _visibleLsn, lsn); // in LSN order: one entry at a time holds the turn
        _sequencer.Complete(ticket);
    }

    private void WaitTurnOrFault(long ticket)
    {
        try
        {
            _sequencer.WaitTurn(ticket);
        }
        catch (Exception exception)
        {
            Fault(exception);
            throw;
        }
    }

    private void PassStoreTurnOrFault(long ticket)
    {
        try
        {
            _sequencer.PassStoreTurn(ticket);
        }
        catch (Exception exception)
        {
            Fault(exception);
            throw;
        }
    }

    /// <summary>Applies the whole entry (both stages) in its turn, which it holds alone.</summary>
    private bool ApplyInTurn(long lsn, long ticket, byte[] buffer, int size)
    {
        bool existed;
        try
        {
            existed = ApplyEntry(lsn, buffer.AsMemory(LogRoom, size), updateIndex: true, ScratchOf(ticket));
        }
        catch (Exception exception)
        {
            Fault(exception); // the store and the log disagree now: no further write may apply before a reopen replays
            throw;
        }

        Volatile.Write(ref _visibleLsn, lsn); // in LSN order: one entry at a time holds the turn
        _sequencer.Complete(ticket);
        return existed;
    }

    /// <summary>Applies one log entry to the store (and the indexes). Called in LSN order, one at a time.</summary>
    private bool ApplyEntry(long lsn, ReadOnlyMemory<byte> entry, bool updateIndex, ApplyScratch scratch)
    {
        LogOpCode opCode = LogEntryCodec.ReadHeader(entry.Span, lsn, out long timestamp);
        switch (opCode)
        {
            case LogOpCode.CreateCollection:
            {
                (string name, int dimension, DistanceMetric metric) = LogEntryCodec.DecodeCreate(entry.Span);
                (int hnswM, int hnswEfConstruction) = LogEntryCodec.DecodeCreateHnsw(entry.Span);
                _stateLock.EnterWriteLock();
                try
                {
                    CollectionDescriptor descriptor = _store.CreateCollection(lsn, name, dimension, metric, timestamp, hnswM, hnswEfConstruction);
                    var state = new CollectionState(descriptor, CreateIndex(descriptor)) { ChangeLsn = lsn };
                    _byName[name] = state;
                    _byId[descriptor.Id] = state;
                }
                finally
                {
                    _stateLock.ExitWriteLock();
                }

                return false;
            }

            case LogOpCode.DropCollection:
            {
                long id = LogEntryCodec.DecodeDrop(entry.Span);
                _stateLock.EnterWriteLock();
                try
                {
                    bool existed = _store.DropCollection(lsn, id);
                    _lastDropLsn = lsn;
                    if (_byId.Remove(id, out CollectionState? state))
                    {
                        _byName.Remove(state.Descriptor.Name);
                        state.Index.Drop();
                    }

                    return existed;
                }
                finally
                {
                    _stateLock.ExitWriteLock();
                }
            }

            case LogOpCode.Writes:
            {
                int count = PrepareEntry(lsn, entry, scratch);
                _store.CommitPreparedWrites(lsn, scratch.Writes.AsSpan(0, count));
                if (updateIndex)
                {
                    ApplyToIndexes(lsn, count, scratch);
                }

                return count > 0 && scratch.Outcomes[0].Existed;
            }

            case LogOpCode.Epoch:
                ApplyEpochEntry(lsn, timestamp, entry.Span);
                return false;

            case LogOpCode.CreatePayloadIndex:
                return ApplyCreatePayloadIndex(lsn, entry.Span, build: updateIndex);

            default:
                throw new InvalidDataException($"Log entry LSN {lsn} has unknown opcode {(byte)opCode}.");
        }
    }

    /// <summary>
    /// Applies the first <paramref name="count"/> writes of <paramref name="scratch"/> (with their outcomes) to
    /// the payload and vector indexes, in order. Consecutive vector upserts to one collection go to its index in one
    /// <see cref="TieredVectorIndex.UpsertMany"/> call (one lock for the run, not two per vector); a delete, or a write to
    /// another collection, ends such a run first. The collection of each applied write takes <paramref name="lsn"/> as
    /// its <see cref="CollectionState.ChangeLsn"/>: a field store on the state already looked up, once per run of writes
    /// to one collection.
    /// </summary>
    private void ApplyToIndexes(long lsn, int count, ApplyScratch scratch)
    {
        if (scratch.RunIds.Length < count)
        {
            scratch.RunIds = new long[scratch.Writes.Length];
            scratch.RunVectors = new ReadOnlyMemory<byte>[scratch.Writes.Length];
        }

        RecordWrite[] writes = scratch.Writes;
        RecordWriteOutcome[] outcomes = scratch.Outcomes;
        long[] runIds = scratch.RunIds;
        ReadOnlyMemory<byte>[] runVectors = scratch.RunVectors;

        CollectionState? runState = null;
        CollectionState? marked = null;
        int runLength = 0;
        for (int i = 0; i < count; i++)
        {
            RecordWriteOutcome outcome = outcomes[i];
            if (!outcome.Applied || !_byId.TryGetValue(writes[i].CollectionId, out CollectionState? state))
            {
                continue;
            }

            if (!ReferenceEquals(marked, state))
            {
                state.ChangeLsn = lsn; // once per run of writes to one collection, not per write: searches read this object
                marked = state;
            }

            ApplyToPayloadIndexes(state, writes[i], outcome);
            if (outcome.HasVector)
            {
                if (!ReferenceEquals(runState, state))
                {
                    runState?.Index.UpsertMany(runIds.AsSpan(0, runLength), runVectors.AsSpan(0, runLength));
                    runState = state;
                    runLength = 0;
                }

                runIds[runLength] = outcome.InternalId;
                runVectors[runLength] = writes[i].Vector;
                runLength++;
            }
            else if (outcome.Existed)
            {
                runState?.Index.UpsertMany(runIds.AsSpan(0, runLength), runVectors.AsSpan(0, runLength));
                runState = null;
                runLength = 0;
                state.Index.Delete(outcome.InternalId);
            }
        }

        runState?.Index.UpsertMany(runIds.AsSpan(0, runLength), runVectors.AsSpan(0, runLength));
    }

    /// <summary>Replays log entries above the applied LSN, then loads (and catches up) or rebuilds every vector index.</summary>
    private void Recover()
    {
        long applied = _store.AppliedLsn;
        IAsyncEnumerator<LogRecord> replay = _log.ReadFrom(applied + 1).GetAsyncEnumerator();
        try
        {
            while (replay.MoveNextAsync().AsTask().GetAwaiter().GetResult())
            {
                LogRecord record = replay.Current;
                if (record.Lsn > applied)
                {
                    ApplyEntry(record.Lsn, record.Payload, updateIndex: false, _scratch[0]);
                    applied = record.Lsn;
                }
            }
        }
        finally
        {
            replay.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        RemoveOrphanIndexDirectories();
        foreach (CollectionDescriptor descriptor in _store.Collections)
        {
            if (!_byId.TryGetValue(descriptor.Id, out CollectionState? state))
            {
                state = new CollectionState(descriptor, CreateIndex(descriptor));
                _byId[descriptor.Id] = state;
                _byName[descriptor.Name] = state;
            }

            state.ChangeLsn = _store.AppliedLsn; // the replay applied no index update: not changed since open, as far as this open knows
            LoadIndex(state);
            state.PayloadIndexes = BuildPayloadIndexes(descriptor, descriptor.PayloadIndexFields);
            _logical[descriptor.Name] = new LogicalCollection(descriptor.Id, descriptor.Dimension, descriptor.Metric, descriptor.HnswM, descriptor.HnswEfConstruction);
        }

        _visibleLsn = _store.AppliedLsn; // replayed, and every index loaded or rebuilt
    }

    private TieredVectorIndex CreateIndex(CollectionDescriptor descriptor) => CollectionVectorIndexFactory.Create(
        descriptor.Dimension,
        descriptor.Metric,
        _options.HnswThreshold,
        System.IO.Path.Combine(_path, IndexDirectoryName, CollectionDescriptor.ColumnFamilyName(descriptor.Id)),
        descriptor.HnswM,
        descriptor.HnswEfConstruction);

    /// <summary>
    /// Maps the collection's checkpointed segments and applies what the records say changed after their LSN; without
    /// usable segments (none, or refused: corrupt, another shape, ahead of the store) rebuilds from the records.
    /// </summary>
    private void LoadIndex(CollectionState state)
    {
        CollectionDescriptor descriptor = state.Descriptor;
        TieredVectorIndex index = state.Index;
        string? refusal;
        try
        {
            if (index.TryOpenSegments(_store.AppliedLsn, out long segmentLsn, out refusal))
            {
                var live = new HashSet<long>();
                index.CollectSegmentIds(live);
                var catchUp = new SegmentCatchUp(descriptor.Dimension, segmentLsn, live);
                _store.VisitVectors(descriptor, ref catchUp);
                index.CatchUp(catchUp.StaleIds, catchUp.Ids, catchUp.Vectors);
                return;
            }
        }
        catch (IOException exception)
        {
            refusal = exception.Message; // a segment failed while being read back
        }

        if (refusal is not null)
        {
            _options.Warning?.Invoke($"The vector index segments of collection '{descriptor.Name}' in '{index.Directory}' were not used ({refusal}); rebuilding the index from the records.");
        }

        var buffer = new VectorRebuildBuffer(descriptor.Dimension);
        _store.VisitVectors(descriptor, ref buffer);
        index.Rebuild(buffer.Ids, buffer.Vectors);
    }

    /// <summary>Deletes index directories of collections that no longer exist (a drop interrupted before its files went).</summary>
    private void RemoveOrphanIndexDirectories()
    {
        string root = System.IO.Path.Combine(_path, IndexDirectoryName);
        if (!Directory.Exists(root))
        {
            return;
        }

        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (CollectionDescriptor descriptor in _store.Collections)
        {
            known.Add(CollectionDescriptor.ColumnFamilyName(descriptor.Id));
        }

        foreach (string directory in Directory.EnumerateDirectories(root))
        {
            if (!known.Contains(System.IO.Path.GetFileName(directory)))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    /// <summary>
    /// The first half of a checkpoint: seals every graph-tier index's mutable part into a new segment and returns the
    /// indexes sealed. The caller holds the checkpoint lock and keeps writes from applying meanwhile, so the segments
    /// reflect exactly the writes up to the applied LSN.
    /// </summary>
    private List<TieredVectorIndex> SealIndexes()
    {
        var sealedIndexes = new List<TieredVectorIndex>();
        foreach (CollectionState state in _byId.Values)
        {
            if (state.Index.SealForCheckpoint())
            {
                sealedIndexes.Add(state.Index);
            }
        }

        return sealedIndexes;
    }

    /// <summary>
    /// The second half of a checkpoint, after <see cref="SealIndexes"/>: the store's flush comes before the manifests, so
    /// a manifest never declares segments newer than the durable records. Under the state lock (read).
    /// </summary>
    private void PublishCheckpoint(long lsn, List<TieredVectorIndex> sealedIndexes)
    {
        CommitLogThrough(lsn);
        _store.Flush();
        foreach (TieredVectorIndex index in sealedIndexes)
        {
            index.PublishCheckpoint(lsn); // a collection dropped meanwhile is disposed: no-op
        }

        _log.TruncateBelow(lsn + 1);
    }

    /// <summary>
    /// Makes the log durable up to <paramref name="lsn"/> before the record store flushes the writes up to it: the
    /// records never persist an applied LSN above the durable log because of a checkpoint (a replica applies entries
    /// ahead of its commit; see <see cref="CheckLogReachesRecords"/> for a flush RocksDB makes on its own).
    /// </summary>
    private void CommitLogThrough(long lsn)
    {
        if (lsn <= _log.CommittedLsn)
        {
            return;
        }

        _log.BeginCommit();
        _log.WaitForCommitAsync(lsn).AsTask().GetAwaiter().GetResult();
    }

    private IReadOnlyList<StoredRecord> ScanCore(string collection, byte[] lower, byte[] upper, int limit, bool includeVectors)
    {
        if (limit < 1 || limit > 100_000)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "The limit must be between 1 and 100000.");
        }

        var results = new List<StoredRecord>(Math.Min(limit, 256));
        _stateLock.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            CollectionState state = RequireCollection(collection);
            _store.Scan(state.Descriptor, lower, upper, limit, results, includeVectors);
        }
        finally
        {
            _stateLock.ExitReadLock();
        }

        return results;
    }

    private static byte[] PrefixUpperBound(byte[] prefix)
    {
        int end = prefix.Length;
        while (end > 0 && prefix[end - 1] == 0xFF)
        {
            end--;
        }

        if (end == 0)
        {
            return []; // all-0xFF or empty prefix: no upper bound
        }

        byte[] upper = prefix[..end];
        upper[end - 1]++;
        return upper;
    }

    private LogicalCollection ResolveForWrite(string collection, int vectorLength)
    {
        if (!_logical.TryGetValue(collection, out LogicalCollection target))
        {
            ThrowCollectionNotFound(collection);
        }

        if (vectorLength != 0)
        {
            CheckDimension(collection, target.Dimension, vectorLength);
        }

        return target;
    }

    private CollectionState RequireCollection(string collection)
    {
        ArgumentNullException.ThrowIfNull(collection);
        if (!_byName.TryGetValue(collection, out CollectionState? state))
        {
            ThrowCollectionNotFound(collection);
        }

        return state;
    }

    private static void CheckDimension(string collection, int expected, int actual)
    {
        if (expected != actual)
        {
            ThrowWrongDimension(collection, expected, actual);
        }
    }

    private void CheckPayload(int length)
    {
        if (length > _options.MaxPayloadBytes)
        {
            ThrowPayloadTooLarge(length, _options.MaxPayloadBytes);
        }
    }

    private static void ValidateCollectionName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || name.Length > MaxCollectionNameLength)
        {
            throw new ArgumentException($"A collection name must have 1 to {MaxCollectionNameLength} characters.", nameof(name));
        }

        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
            {
                throw new ArgumentException($"The collection name '{name}' has the character '{c}'; use letters, digits, '_', '-' and '.'.", nameof(name));
            }
        }
    }

    private void MaybeCheckpoint()
    {
        if (_options.CheckpointLogBytes > 0 && !_closing && _log.RetainedBytes > _options.CheckpointLogBytes
            && Interlocked.CompareExchange(ref _checkpointRunning, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static database => database.RunBackgroundCheckpoint(), this, preferLocal: false);
        }
    }

    private void RunBackgroundCheckpoint()
    {
        try
        {
            if (!_closing)
            {
                Checkpoint();
            }
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException or InvalidOperationException)
        {
            _options.Warning?.Invoke($"Background checkpoint of '{_path}' failed: {exception.Message}");
        }
        finally
        {
            Volatile.Write(ref _checkpointRunning, 0);
        }
    }

    private void Fault(Exception exception)
    {
        _fault ??= exception;
        _sequencer.Fault(exception);
    }

    private void ThrowIfClosed()
    {
        ObjectDisposedException.ThrowIf(_closing, this);
        if (_fault is { } fault)
        {
            throw new InvalidOperationException($"The database '{_path}' failed earlier and must be reopened.", fault);
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    private static long NowUnixMs() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    [DoesNotReturn]
    private static void ThrowBadId(string id) => throw (id.Length == 0
        ? new ArgumentException("A record id must not be empty.", nameof(id))
        : new ArgumentException($"The record id is {Encoding.UTF8.GetByteCount(id)} UTF-8 bytes; the maximum is {MaxIdBytes}.", nameof(id)));

    [DoesNotReturn]
    private static void ThrowNonFinite(float value, int index) =>
        throw new ArgumentException($"The vector holds a non-finite value ({value}) at index {index}.", "vector");

    [DoesNotReturn]
    private static void ThrowWrongDimension(string collection, int expected, int actual) =>
        throw new ArgumentException($"The vector has dimension {actual}; collection '{collection}' has dimension {expected}.", "vector");

    [DoesNotReturn]
    private static void ThrowPayloadTooLarge(int length, int maximum) =>
        throw new ArgumentException($"The payload is {length} bytes; the configured maximum is {maximum}.", "payload");

    [DoesNotReturn]
    private static void ThrowCollectionNotFound(string collection) => throw new CollectionNotFoundException(collection);

    [DoesNotReturn]
    private static void ThrowBadIdUtf8(ReadOnlySpan<byte> idUtf8) => throw (idUtf8.IsEmpty
        ? new ArgumentException("A record id must not be empty.", "id")
        : idUtf8.Length > MaxIdBytes
            ? new ArgumentException($"The record id is {idUtf8.Length} UTF-8 bytes; the maximum is {MaxIdBytes}.", "id")
            : new ArgumentException("The record id is not valid UTF-8.", "id"));

    private static void CopyDirectory(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (string file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, System.IO.Path.Combine(target, System.IO.Path.GetFileName(file)));
        }

        foreach (string directory in Directory.EnumerateDirectories(source))
        {
            CopyDirectory(directory, System.IO.Path.Combine(target, System.IO.Path.GetFileName(directory)));
        }
    }
}
