using System.Buffers.Binary;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using FASTER.core;

namespace AgentDb.Log;

/// <summary>
/// <see cref="IWriteAheadLog"/> over FASTER's <see cref="FasterLog"/>. Each FASTER entry is our 40-byte header
/// (LSN, previous LSN, length, XxHash3 checksum) followed by the payload; LSNs are ours, FASTER addresses stay inside.
/// </summary>
/// <remarks>
/// <para>On disk, in the log directory: <c>wal.log.N</c> segment files (FASTER; log address A lives in segment
/// <c>A &gt;&gt; SegmentSizeBits</c> at offset <c>A &amp; (segment size - 1)</c>), <c>commits/wal.commit</c> (FASTER's commit
/// records — begin and committed-until addresses — in two slots rewritten in place: <see cref="InPlaceLogCommitManager"/>), and <c>wal.cuts</c> (torn-tail ranges that scans jump over; absent when none).
/// FASTER opens segment files with O_SYNC, so a completed commit is on stable storage.</para>
/// <para>Recovery on open scans every retained entry from the log's begin address (which <see cref="TruncateBelow"/>
/// moves forward at each checkpoint) to the committed end, checking checksums and that each entry names its
/// predecessor. A damaged entry with no valid entry after it is a torn tail: it is cut, with a warning. A damaged entry
/// followed by a valid one throws <see cref="LogCorruptedException"/> naming the LSN.</para>
/// <para>A background thread commits every <see cref="WriteAheadLogOptions.GroupCommitInterval"/> whenever entries are
/// waiting, in every mode; in <see cref="DurabilityMode.Sync"/> the appender also commits itself.</para>
/// </remarks>
public sealed class FasterLogWriteAheadLog : IWriteAheadLog
{
    /// <summary>The base name of the segment files in the log directory (<c>wal.log.0</c>, <c>wal.log.1</c>, …).</summary>
    public const string SegmentFileBaseName = "wal.log";

    private const string CommitDirectoryName = "commits";
    private const string CutFileName = "wal.cuts";
    private const int FasterHeaderSize = 4; // FASTER's own length prefix (LogChecksumType.None)
    private const long FasterFirstAddress = 64; // FASTER's first valid log address

    private readonly string _directory;
    private readonly WriteAheadLogOptions _options;
    /// <summary>How long <see cref="Dispose"/> waits for the segment files to close.</summary>
    internal static readonly TimeSpan DeviceCloseTimeout = TimeSpan.FromSeconds(10);

    private readonly IDevice _device;
    private readonly InPlaceLogCommitManager? _commitManager; // FASTER disposes only a manager it created itself
    private readonly FasterLog _log;
    private readonly object _appendLock = new();
    private readonly LsnAddressIndex _index = new();
    private readonly LogCutList _cuts;
    private readonly CommitSignal _commits;
    private readonly Dictionary<string, LogReaderRegistration> _readers = new(StringComparer.Ordinal);
    private readonly ManualResetEventSlim _pending = new(false);
    private readonly CancellationTokenSource _disposeSource = new();
    private readonly Thread _committer;
    private readonly int _maxPayloadBytes;
    private byte[] _scratch = new byte[4096];
    private long _lastLsn;
    private long _nextLsn;
    private long _chainLsn; // LSN of the last entry physically in the log: the next entry's predecessor
    private long _recoveredLastEntryLsn;
    private volatile bool _stopping;
    private bool _disposed;

    private FasterLogWriteAheadLog(string directory, WriteAheadLogOptions options)
    {
        _directory = directory;
        _options = options;
        int pageBytes = 1 << options.PageSizeBits;
        _maxPayloadBytes = (pageBytes - FasterHeaderSize - LogEntryHeader.Size) & ~3;

        Directory.CreateDirectory(directory);
        _cuts = LogCutList.Load(Path.Combine(directory, CutFileName));
        _device = new DirectLogDevice(Path.Combine(directory, SegmentFileBaseName), options.DirectIo);
        try
        {
            _commitManager = options.FasterCommitFiles ? null : new InPlaceLogCommitManager(Path.Combine(directory, CommitDirectoryName));
            var settings = new FasterLogSettings
            {
                LogDevice = _device,
                PageSizeBits = options.PageSizeBits,
                MemorySizeBits = options.MemorySizeBits,
                SegmentSizeBits = options.SegmentSizeBits,
                LogCommitDir = Path.Combine(directory, CommitDirectoryName),
                LogCommitManager = _commitManager,
                LogChecksum = LogChecksumType.None, // our header carries a stronger checksum and the LSN chain
                TryRecoverLatest = false,
                AutoRefreshSafeTailAddress = false,
                AutoCommit = false,
            };
            _log = new FasterLog(settings, logger: null);
            _log.Recover();
        }
        catch
        {
            _commitManager?.Dispose();
            _device.Dispose();
            throw;
        }

        if (_log.CommittedUntilAddress <= FasterFirstAddress && HoldsEntries(directory))
        {
            // FASTER falls back to an empty log when no commit record can be read; with entries on disk that would
            // silently drop them, so refuse instead.
            _log.Dispose();
            _commitManager?.Dispose();
            _device.Dispose();
            throw new IOException(
                $"The write-ahead log in '{directory}' holds entries, but none of its commit records in '{Path.Combine(directory, CommitDirectoryName)}' could be restored; refusing to start it empty.");
        }

        _commits = new CommitSignal(0);
        _committer = new Thread(RunCommitter) { IsBackground = true, Name = "agentdb-wal-commit" };
    }

    /// <inheritdoc />
    public DurabilityMode Durability => _options.Durability;

    /// <summary>The largest payload one entry can hold (one FASTER page less the headers).</summary>
    public int MaxPayloadBytes => _maxPayloadBytes;

    /// <summary>The directory holding the segment files, commit records and cut list.</summary>
    public string DirectoryPath => _directory;

    /// <inheritdoc />
    public long FirstLsn
    {
        get
        {
            lock (_appendLock)
            {
                return _index.IsEmpty ? _nextLsn : _index.First;
            }
        }
    }

    /// <inheritdoc />
    public long LastLsn => Volatile.Read(ref _lastLsn);

    /// <inheritdoc />
    public long CommittedLsn => _commits.Committed;

    /// <summary>
    /// The LSN of the last entry recovery found in the log when it opened: 0 when it held none (new, or truncated to
    /// nothing). Unlike <see cref="LastLsn"/> it is not raised to <see cref="WriteAheadLogOptions.MinimumNextLsn"/>, so a
    /// caller can tell a log that ends below the state built from it (a hole) from one that holds no entries.
    /// </summary>
    public long RecoveredLastEntryLsn => _recoveredLastEntryLsn;

    /// <summary>
    /// Test seam: while set, every commit completion (the background group commit, a forced, a sync or a started commit)
    /// waits for it before raising <see cref="CommittedLsn"/>, so a test can hold entries appended and not yet committed.
    /// </summary>
    internal ManualResetEventSlim? CommitHoldForTests { get; set; }

    /// <summary>Bytes of log between the begin address and the tail (what recovery would scan).</summary>
    public long RetainedBytes => _log.TailAddress - _log.BeginAddress;

    /// <summary>
    /// Opens (creating when absent) the log in <paramref name="directory"/>, recovers it and starts the background
    /// committer.
    /// </summary>
    /// <exception cref="LogCorruptedException">An entry before the tail is damaged.</exception>
    /// <exception cref="ArgumentException">The options are out of range.</exception>
    public static FasterLogWriteAheadLog Open(string directory, WriteAheadLogOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        options ??= new WriteAheadLogOptions();
        ValidateOptions(options);

        var log = new FasterLogWriteAheadLog(Path.GetFullPath(directory), options);
        try
        {
            log.RecoverEntries();
        }
        catch
        {
            log._log.Dispose();
            log._commitManager?.Dispose();
            log._device.Dispose();
            throw;
        }

        log._committer.Start();
        return log;
    }

    /// <inheritdoc />
    public long Append(ReadOnlySpan<byte> payload)
    {
        if (payload.Length > _maxPayloadBytes)
        {
            ThrowPayloadTooLarge(payload.Length);
        }

        long lsn;
        lock (_appendLock)
        {
            ThrowIfUnusable();
            int entryLength = LogEntryHeader.Size + payload.Length;
            if (_scratch.Length < entryLength)
            {
                _scratch = new byte[Math.Max(entryLength, _scratch.Length * 2)];
            }

            Span<byte> entry = _scratch.AsSpan(0, entryLength);
            payload.CopyTo(entry[LogEntryHeader.Size..]);
            lsn = EnqueueLocked(entry);
        }

        SignalPending();
        return lsn;
    }

    /// <summary>
    /// As <see cref="Append"/>, for a payload at <c>entry[LogEntryHeader.Size..]</c>: our header is written into the
    /// first <see cref="LogEntryHeader.Size"/> bytes of <paramref name="entry"/> in place, so the payload is not copied
    /// before FASTER copies it into its page.
    /// </summary>
    /// <exception cref="ArgumentException">The payload exceeds <see cref="MaxPayloadBytes"/>, or there is no room for the header.</exception>
    /// <exception cref="IOException">The log failed earlier.</exception>
    internal long AppendWithHeaderRoom(Span<byte> entry)
    {
        if (entry.Length < LogEntryHeader.Size)
        {
            throw new ArgumentException($"The entry has {entry.Length} bytes; the first {LogEntryHeader.Size} are the header's room.", nameof(entry));
        }

        if (entry.Length - LogEntryHeader.Size > _maxPayloadBytes)
        {
            ThrowPayloadTooLarge(entry.Length - LogEntryHeader.Size);
        }

        long lsn;
        lock (_appendLock)
        {
            ThrowIfUnusable();
            lsn = EnqueueLocked(entry);
        }

        SignalPending();
        return lsn;
    }

    /// <summary>
    /// Appends one entry under the LSN <paramref name="lsn"/> that another log assigned (a replica copying its primary's
    /// log): LSNs stay strictly increasing but may skip values, as after <see cref="WriteAheadLogOptions.MinimumNextLsn"/>.
    /// Later <see cref="Append"/> calls continue above it. Not durable until committed.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lsn"/> is not above <see cref="LastLsn"/>.</exception>
    /// <exception cref="ArgumentException">The payload does not fit in one log page.</exception>
    /// <exception cref="ObjectDisposedException">The log was disposed.</exception>
    /// <exception cref="IOException">An earlier commit failed; the log accepts no more appends.</exception>
    public void AppendAt(long lsn, ReadOnlySpan<byte> payload)
    {
        if (payload.Length > _maxPayloadBytes)
        {
            ThrowPayloadTooLarge(payload.Length);
        }

        lock (_appendLock)
        {
            ThrowIfUnusable();
            if (lsn < _nextLsn)
            {
                throw new ArgumentOutOfRangeException(nameof(lsn), lsn, $"LSN {lsn} is not above the log's last LSN {_nextLsn - 1}.");
            }

            _nextLsn = lsn;
            Append(payload); // the append lock is reentrant: nothing appends between moving the LSN and using it
        }
    }

    /// <inheritdoc />
    public void Commit(long lsn)
    {
        CheckCommitTarget(lsn);
        switch (_options.Durability)
        {
            case DurabilityMode.Sync:
                if (lsn > _commits.Committed)
                {
                    CommitCore();
                }

                _commits.Wait(lsn);
                break;
            case DurabilityMode.Group:
                _commits.Wait(lsn);
                break;
            default:
                break;
        }
    }

    /// <inheritdoc />
    public ValueTask CommitAsync(long lsn, CancellationToken cancellationToken = default)
    {
        CheckCommitTarget(lsn);
        switch (_options.Durability)
        {
            case DurabilityMode.Sync:
                return lsn > _commits.Committed ? SyncCommitAsync(lsn, cancellationToken) : ValueTask.CompletedTask;
            case DurabilityMode.Group:
                return _commits.WaitAsync(lsn, cancellationToken);
            default:
                return ValueTask.CompletedTask;
        }
    }

    /// <inheritdoc />
    public ValueTask WaitForCommitAsync(long lsn, CancellationToken cancellationToken = default)
    {
        CheckCommitTarget(lsn);
        return _commits.WaitAsync(lsn, cancellationToken);
    }

    /// <summary>
    /// When the commit that made <paramref name="lsn"/> durable completed: the LSN that commit reached and its time (Unix
    /// microseconds, this machine's clock). False when <paramref name="lsn"/> is not committed yet, or was committed before
    /// the last <see cref="CommitSignal.TimeRingSize"/> commits (or before this log was opened).
    /// </summary>
    public bool TryGetCommitTime(long lsn, out long committedLsn, out long committedAtUnixMicros) =>
        _commits.TryGetCommitTime(lsn, out committedLsn, out committedAtUnixMicros);

    /// <inheritdoc />
    public void ForceCommit()
    {
        ThrowIfUnusable();
        CommitCore();
        _commits.Wait(Volatile.Read(ref _lastLsn));
    }

    /// <inheritdoc />
    public void BeginCommit()
    {
        ThrowIfUnusable();
        if (StartCommit(out long targetLsn, out long targetAddress))
        {
            _ = CompleteCommitAsync(targetLsn, targetAddress);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<LogRecord> ReadFrom(long lsn, bool follow = false, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        long startAddress;
        long endAddress;
        List<LogAddressRange> segments;
        lock (_appendLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_index.TryFindFrom(lsn, out _, out long address))
            {
                startAddress = address;
            }
            else if (follow)
            {
                startAddress = _log.TailAddress; // nothing at or above lsn yet: wait for what comes next
            }
            else
            {
                yield break;
            }

            endAddress = follow ? long.MaxValue : _log.CommittedUntilAddress;
            segments = SegmentsBetween(startAddress, endAddress); // the cut list changes under this lock only
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposeSource.Token);
        CancellationToken token = linked.Token;
        foreach (LogAddressRange segment in segments)
        {
            using FasterLogScanIterator iterator = _log.Scan(segment.From, segment.To);
            while (true)
            {
                while (iterator.GetNext(out byte[] entry, out int length, out long entryAddress, out _))
                {
                    ReadOnlySpan<byte> bytes = entry.AsSpan(0, length);
                    if (!LogEntryHeader.TryValidate(bytes, out long entryLsn, out long previousLsn, out string? problem))
                    {
                        ThrowCorrupt(-1, entryAddress, problem!);
                    }

                    if (entryLsn >= lsn)
                    {
                        yield return new LogRecord(entryLsn, entry.AsMemory(LogEntryHeader.Size, length - LogEntryHeader.Size)) { PreviousLsn = previousLsn };
                    }
                }

                if (iterator.Ended)
                {
                    break;
                }

                bool more;
                try
                {
                    more = await iterator.WaitAsync(token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (_disposeSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    yield break; // the log was disposed under a following reader: end the stream
                }

                if (!more)
                {
                    break;
                }
            }
        }
    }

    /// <inheritdoc />
    public long TruncateBelow(long lsn)
    {
        long first;
        lock (_appendLock)
        {
            ThrowIfUnusable();
            long target = Math.Min(lsn, _nextLsn);
            lock (_readers)
            {
                foreach (LogReaderRegistration reader in _readers.Values)
                {
                    target = Math.Min(target, reader.Position);
                }
            }

            if (!_index.IsEmpty && target > _index.First)
            {
                long address = _index.TryFindFrom(target, out _, out long found) ? found : _log.TailAddress;
                _log.TruncateUntil(address);
                _index.RemoveBelow(target);
                _cuts.RemoveBelow(address);
            }

            first = _index.IsEmpty ? _nextLsn : _index.First;
        }

        _log.Commit(spinWait: false); // persists the new begin address; whole segments below it are deleted then
        return first;
    }

    /// <inheritdoc />
    public LogReaderRegistration RegisterReader(string name, long lsn)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        lock (_appendLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            lock (_readers)
            {
                if (_readers.ContainsKey(name))
                {
                    throw new ArgumentException($"A reader named '{name}' is already registered.", nameof(name));
                }

                var registration = new LogReaderRegistration(name, lsn, ReleaseReader);
                _readers.Add(name, registration);
                return registration;
            }
        }
    }

    /// <summary>
    /// Commits what was appended, stops the committer and closes the files. Waiters for entries that could not be
    /// committed receive an exception.
    /// </summary>
    public void Dispose()
    {
        lock (_appendLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _stopping = true;
        _pending.Set();
        _committer.Join();
        if (_commits.Fault is null)
        {
            try
            {
                CommitCore();
            }
            catch (Exception exception) when (exception is IOException or FasterException)
            {
                _commits.SetFault(exception);
            }
        }

        _commits.SetFault(new ObjectDisposedException(nameof(FasterLogWriteAheadLog)));
        _disposeSource.Cancel();
        _log.Dispose();
        _commitManager?.Dispose();
        DisposeDevice();
        _pending.Dispose();
        _disposeSource.Dispose();
    }

    /// <summary>
    /// Closes the segment files, waiting at most <see cref="DeviceCloseTimeout"/>: a device waits for the I/Os in flight
    /// (FASTER's managed device, used before <see cref="DirectLogDevice"/>, hung once on a file handle an I/O never
    /// returned, after segments were truncated away under load). Everything was committed before this, so giving up the wait
    /// loses nothing: a warning is written and the handles go with the process.
    /// </summary>
    private void DisposeDevice()
    {
        Task close = Task.Run(_device.Dispose);
        bool closed;
        try
        {
            closed = close.Wait(DeviceCloseTimeout);
        }
        catch (AggregateException exception)
        {
            _options.Warning?.Invoke($"closing the write-ahead log's segment files failed: {exception.InnerException?.Message}");
            return;
        }

        if (!closed)
        {
            _options.Warning?.Invoke(
                $"the write-ahead log's segment files did not close within {DeviceCloseTimeout.TotalSeconds:0} s (a file handle was not returned by an I/O); " +
                "the log was committed before, the close goes on without them");
        }
    }

    internal string SegmentPathOf(long address) =>
        Path.Combine(_directory, SegmentFileBaseName + "." + (address >> _options.SegmentSizeBits).ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>For tests: the FASTER address of the entry with <paramref name="lsn"/>.</summary>
    internal bool TryGetAddress(long lsn, out long address)
    {
        lock (_appendLock)
        {
            return _index.TryFindFrom(lsn, out long found, out address) && found == lsn;
        }
    }

    /// <summary>For tests: the segment file and offset of log address <paramref name="address"/>.</summary>
    internal (string Path, long Offset) Locate(long address) =>
        (SegmentPathOf(address), address & ((1L << _options.SegmentSizeBits) - 1));

    private static void ValidateOptions(WriteAheadLogOptions options)
    {
        if (!Enum.IsDefined(options.Durability))
        {
            throw new ArgumentException($"Unknown durability mode {(int)options.Durability}.", nameof(options));
        }

        if (options.GroupCommitInterval < TimeSpan.FromTicks(1000) || options.GroupCommitInterval > TimeSpan.FromSeconds(10))
        {
            throw new ArgumentException($"GroupCommitInterval {options.GroupCommitInterval} is outside 0.1 ms … 10 s.", nameof(options));
        }

        if (options.PageSizeBits is < 12 or > 28 || options.MemorySizeBits < options.PageSizeBits + 1 || options.MemorySizeBits > 34
            || options.SegmentSizeBits < options.PageSizeBits || options.SegmentSizeBits > 40)
        {
            throw new ArgumentException(
                $"Log sizes out of range: page 2^{options.PageSizeBits} (12..28), memory 2^{options.MemorySizeBits} (> page, ≤ 34), segment 2^{options.SegmentSizeBits} (≥ page, ≤ 40).",
                nameof(options));
        }

        if (options.MinimumNextLsn < 1)
        {
            throw new ArgumentException("MinimumNextLsn must be at least 1.", nameof(options));
        }
    }

    /// <summary>
    /// Scans every retained entry, fills the LSN index, cuts a torn tail or throws for damage before it.
    /// </summary>
    private void RecoverEntries()
    {
        long begin = _log.BeginAddress;
        long end = _log.CommittedUntilAddress;
        long lastLsn = 0;
        long corruptAt = -1;
        string? problem = null;

        foreach (LogAddressRange segment in SegmentsBetween(begin, end))
        {
            long segmentEnd = segment.From;
            try
            {
                using FasterLogScanIterator iterator = _log.Scan(segment.From, segment.To);
                while (NextBlocking(iterator, out byte[] entry, out int length, out long address, out long next))
                {
                    if (!LogEntryHeader.TryValidate(entry.AsSpan(0, length), out long lsn, out long previousLsn, out problem))
                    {
                        corruptAt = address;
                        break;
                    }

                    if (lastLsn != 0 && previousLsn != lastLsn)
                    {
                        corruptAt = address;
                        problem = $"the entry at LSN {lsn} names LSN {previousLsn} as its predecessor, but the last entry read was LSN {lastLsn}";
                        break;
                    }

                    _index.Add(lsn, address);
                    lastLsn = lsn;
                    segmentEnd = next;
                }
            }
            catch (FasterException exception)
            {
                corruptAt = segmentEnd;
                problem = "FASTER could not read the entry: " + exception.Message;
            }

            if (corruptAt < 0 && segmentEnd != segment.To)
            {
                corruptAt = segmentEnd;
                problem = $"the entries end at address {segmentEnd}, but the commit record covers up to {segment.To}";
            }

            if (corruptAt >= 0)
            {
                break;
            }
        }

        if (corruptAt >= 0)
        {
            long expectedLsn = lastLsn == 0 ? -1 : lastLsn + 1;
            if (TryFindValidEntryAfter(corruptAt, end, out long laterLsn, out long laterAddress))
            {
                ThrowCorrupt(expectedLsn, corruptAt, $"{problem}; a valid entry (LSN {laterLsn}) follows at address {laterAddress}");
            }

            _cuts.Add(corruptAt, end);
            _options.Warning?.Invoke(
                $"Write-ahead log '{_directory}': torn tail cut after LSN {lastLsn}: {end - corruptAt} bytes from address {corruptAt} to {end} discarded ({problem}).");
        }

        _chainLsn = lastLsn;
        _recoveredLastEntryLsn = lastLsn;
        _lastLsn = Math.Max(lastLsn, _options.MinimumNextLsn - 1);
        _nextLsn = _lastLsn + 1;
        _commits.Advance(_lastLsn, recordTime: false); // everything recovered was committed (earlier: no commit time)
    }

    /// <summary>
    /// Looks through the raw segment bytes after a damaged entry for any valid entry: if there is one, the damage is not
    /// a torn tail. Entries are 4-byte aligned, each preceded by FASTER's 4-byte length.
    /// </summary>
    private bool TryFindValidEntryAfter(long damagedAddress, long end, out long lsn, out long address)
    {
        const int windowBytes = 1 << 20;
        long segmentMask = (1L << _options.SegmentSizeBits) - 1;
        byte[] window = new byte[windowBytes];
        long windowStart = 0;
        int windowLength = 0;
        var files = new SegmentFileReader();
        try
        {
            for (long candidate = (damagedAddress + 4) & ~3L; candidate + FasterHeaderSize + LogEntryHeader.Size <= end; candidate += 4)
            {
                if (candidate < windowStart || candidate + FasterHeaderSize + LogEntryHeader.Size > windowStart + windowLength)
                {
                    long segmentEnd = (candidate | segmentMask) + 1;
                    int wanted = (int)Math.Min(windowBytes, Math.Min(segmentEnd, end) - candidate);
                    windowStart = candidate;
                    windowLength = files.Read(SegmentPathOf(candidate), candidate & segmentMask, window.AsSpan(0, wanted));
                    if (windowLength < FasterHeaderSize + LogEntryHeader.Size)
                    {
                        candidate = segmentEnd - 4; // nothing more in this file
                        windowLength = 0;
                        continue;
                    }
                }

                ReadOnlySpan<byte> at = window.AsSpan((int)(candidate - windowStart), windowLength - (int)(candidate - windowStart));
                int length = BinaryPrimitives.ReadInt32LittleEndian(at);
                if (length < LogEntryHeader.Size || length > _maxPayloadBytes + LogEntryHeader.Size || !LogEntryHeader.HasMagic(at[FasterHeaderSize..]))
                {
                    continue;
                }

                byte[] entry = new byte[length];
                int read = files.Read(SegmentPathOf(candidate), (candidate & segmentMask) + FasterHeaderSize, entry);
                if (read == length && LogEntryHeader.TryValidate(entry, out lsn, out _, out _))
                {
                    address = candidate;
                    return true;
                }
            }
        }
        finally
        {
            files.Dispose();
        }

        lsn = 0;
        address = 0;
        return false;
    }

    /// <summary>The ranges between <paramref name="from"/> and <paramref name="to"/> that are not cut off.</summary>
    private List<LogAddressRange> SegmentsBetween(long from, long to)
    {
        var segments = new List<LogAddressRange>(_cuts.Ranges.Count + 1);
        long position = from;
        foreach (LogAddressRange cut in _cuts.Ranges)
        {
            if (cut.To <= position)
            {
                continue;
            }

            if (cut.From >= to)
            {
                break;
            }

            if (cut.From > position)
            {
                segments.Add(new LogAddressRange(position, cut.From));
            }

            position = cut.To;
        }

        if (position < to)
        {
            segments.Add(new LogAddressRange(position, to));
        }

        return segments;
    }

    /// <summary>Whether the lowest segment file holds an entry (a non-zero length prefix) where FASTER would start.</summary>
    private static bool HoldsEntries(string directory)
    {
        string? lowest = null;
        long lowestNumber = long.MaxValue;
        foreach (string file in Directory.EnumerateFiles(directory, SegmentFileBaseName + ".*"))
        {
            if (long.TryParse(Path.GetExtension(file).AsSpan(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long number)
                && number < lowestNumber)
            {
                lowest = file;
                lowestNumber = number;
            }
        }

        if (lowest is null || lowestNumber != 0)
        {
            return lowest is not null; // segment 0 deleted by truncation: the log certainly held entries
        }

        using var reader = new SegmentFileReader();
        Span<byte> length = stackalloc byte[FasterHeaderSize];
        return reader.Read(lowest, FasterFirstAddress, length) == FasterHeaderSize && BinaryPrimitives.ReadInt32LittleEndian(length) != 0;
    }

    private static bool NextBlocking(FasterLogScanIterator iterator, out byte[] entry, out int length, out long address, out long next)
    {
        while (true)
        {
            if (iterator.GetNext(out entry, out length, out address, out next))
            {
                return true;
            }

            if (iterator.Ended || !iterator.WaitAsync().AsTask().GetAwaiter().GetResult())
            {
                return false;
            }
        }
    }

    private async ValueTask SyncCommitAsync(long lsn, CancellationToken cancellationToken)
    {
        long targetLsn;
        long targetAddress;
        lock (_appendLock)
        {
            targetLsn = _lastLsn;
            targetAddress = _log.TailAddress;
        }

        if (targetLsn > _commits.Committed)
        {
            try
            {
                _log.Commit(spinWait: false);
                await _log.WaitForCommitAsync(targetAddress, -1, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                throw Fault(exception);
            }

            HoldCommitForTests();
            _commits.Advance(targetLsn);
        }

        await _commits.WaitAsync(lsn, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The second half of <see cref="BeginCommit"/>: raises the committed LSN once FASTER's commit reached the target.</summary>
    private async Task CompleteCommitAsync(long targetLsn, long targetAddress)
    {
        try
        {
            await _log.WaitForCommitAsync(targetAddress).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            _commits.SetFault(exception); // every waiter and later append sees the failure
            return;
        }

        HoldCommitForTests();
        _commits.Advance(targetLsn);
    }

    private void HoldCommitForTests()
    {
        try
        {
            CommitHoldForTests?.Wait();
        }
        catch (ObjectDisposedException)
        {
            // a test disposed its hold while a commit thread still read it: nothing to wait for
        }
    }

    /// <summary>
    /// Commits everything appended before the call and raises the committed LSN. Safe to call from several threads:
    /// FASTER merges concurrent commit requests.
    /// </summary>
    private void CommitCore()
    {
        if (!StartCommit(out long targetLsn, out long targetAddress))
        {
            return;
        }

        try
        {
            _log.WaitForCommitAsync(targetAddress).AsTask().GetAwaiter().GetResult();
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            throw Fault(exception);
        }

        HoldCommitForTests();
        _commits.Advance(targetLsn);
    }

    /// <summary>
    /// Asks FASTER to commit everything appended before the call, without waiting; false when that is committed
    /// already. <paramref name="targetLsn"/> and <paramref name="targetAddress"/> are what the commit covers.
    /// </summary>
    private bool StartCommit(out long targetLsn, out long targetAddress)
    {
        lock (_appendLock)
        {
            targetLsn = _lastLsn;
            targetAddress = _log.TailAddress;
        }

        if (targetLsn <= _commits.Committed)
        {
            return false;
        }

        try
        {
            _log.Commit(spinWait: false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            throw Fault(exception);
        }

        return true;
    }

    /// <summary>Faults the commit signal (every waiter fails) and returns the exception to throw.</summary>
    private IOException Fault(Exception exception)
    {
        _commits.SetFault(exception);
        return new IOException($"Committing the write-ahead log in '{_directory}' failed.", exception);
    }

    private void RunCommitter()
    {
        long intervalTicks = _options.GroupCommitInterval.Ticks;
        long lastCommitStart = 0;
        while (true)
        {
            _pending.Wait();
            if (_stopping)
            {
                return;
            }

            _pending.Reset();
            if (lastCommitStart != 0)
            {
                long elapsedTicks = Stopwatch.GetElapsedTime(lastCommitStart).Ticks;
                if (elapsedTicks < intervalTicks)
                {
                    Thread.Sleep(TimeSpan.FromTicks(intervalTicks - elapsedTicks));
                }
            }

            lastCommitStart = Stopwatch.GetTimestamp();
            try
            {
                CommitCore();
            }
            catch (IOException exception)
            {
                _options.Warning?.Invoke(exception.Message);
                return; // the signal is faulted: every waiter and later append sees the failure
            }
        }
    }

    /// <summary>Seals the header in front of the payload and enqueues the entry. Under <see cref="_appendLock"/>.</summary>
    private long EnqueueLocked(Span<byte> entry)
    {
        long lsn = _nextLsn;
        LogEntryHeader.Write(entry, lsn, _chainLsn);
        long address = _log.Enqueue(entry); // waits (yielding) while the in-memory buffer is full
        _index.Add(lsn, address);
        _nextLsn = lsn + 1;
        _chainLsn = lsn;
        Volatile.Write(ref _lastLsn, lsn);
        return lsn;
    }

    private void SignalPending()
    {
        if (!_pending.IsSet)
        {
            _pending.Set();
        }
    }

    private void ReleaseReader(LogReaderRegistration registration)
    {
        lock (_readers)
        {
            if (_readers.TryGetValue(registration.Name, out LogReaderRegistration? current) && ReferenceEquals(current, registration))
            {
                _readers.Remove(registration.Name);
            }
        }
    }

    private void CheckCommitTarget(long lsn)
    {
        if (lsn > Volatile.Read(ref _lastLsn))
        {
            ThrowNotAppended(lsn);
        }
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_commits.Fault is { } fault)
        {
            throw new IOException($"The write-ahead log in '{_directory}' failed earlier and accepts no more writes.", fault);
        }
    }

    [DoesNotReturn]
    private void ThrowCorrupt(long lsn, long address, string detail) =>
        throw new LogCorruptedException(lsn, address, SegmentPathOf(address), detail);

    [DoesNotReturn]
    private void ThrowPayloadTooLarge(int length) =>
        throw new ArgumentException($"A log entry of {length} bytes exceeds the maximum of {_maxPayloadBytes} (one log page).", "payload");

    [DoesNotReturn]
    private void ThrowNotAppended(long lsn) =>
        throw new ArgumentOutOfRangeException(nameof(lsn), lsn, $"LSN {lsn} has not been appended (last LSN {LastLsn}).");
}
