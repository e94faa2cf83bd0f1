namespace AgentDb.Log;

/// <summary>
/// The committed LSN and the waiters for it. One <see cref="TaskCompletionSource"/> per commit (not per waiter):
/// each commit completes the current one and installs the next. Also remembers when the last
/// <see cref="TimeRingSize"/> commits happened (for replication lag measured from the commit).
/// </summary>
internal sealed class CommitSignal
{
    /// <summary>How many commits' times are remembered (at one commit per 2 ms: the last 8 s).</summary>
    public const int TimeRingSize = 4096;

    private readonly object _gate = new();
    private readonly long[] _timeLsns = new long[TimeRingSize];
    private readonly long[] _timeMicros = new long[TimeRingSize];
    private long _opened; // commits up to this LSN (at creation, or recovered) have no time
    private long _times; // commits recorded in the ring so far; the newest is at (_times - 1) % TimeRingSize
    private long _committed;
    private TaskCompletionSource _next = NewSource();
    private Exception? _fault;

    public CommitSignal(long committed)
    {
        _committed = committed;
        _opened = committed;
    }

    public long Committed => Volatile.Read(ref _committed);

    public Exception? Fault => Volatile.Read(ref _fault);

    /// <summary>
    /// Raises the committed LSN to <paramref name="lsn"/> and wakes every waiter. <paramref name="recordTime"/> false (entries
    /// recovered at open, committed earlier): no commit time is remembered for them.
    /// </summary>
    public void Advance(long lsn, bool recordTime = true)
    {
        TaskCompletionSource completed;
        lock (_gate)
        {
            if (lsn <= _committed)
            {
                return;
            }

            Volatile.Write(ref _committed, lsn);
            if (!recordTime)
            {
                _opened = lsn;
                _times = 0;
            }
            else
            {
                int slot = (int)(_times % TimeRingSize);
                _timeLsns[slot] = lsn;
                _timeMicros[slot] = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMicrosecond;
                _times++;
            }

            completed = _next;
            _next = NewSource();
        }

        completed.TrySetResult();
    }

    /// <summary>
    /// The first remembered commit that covered <paramref name="lsn"/>: its committed LSN and when it completed (Unix
    /// microseconds, this machine's clock). False when <paramref name="lsn"/> is not committed yet or its commit is older
    /// than the remembered ones.
    /// </summary>
    public bool TryGetCommitTime(long lsn, out long committedLsn, out long committedAtUnixMicros)
    {
        lock (_gate)
        {
            // Attributable: above what the oldest remembered commit's predecessor reached (the opening LSN while the ring
            // has not wrapped), up to the newest commit.
            long oldest = Math.Max(0, _times - TimeRingSize);
            long floor = oldest == 0 ? _opened : _timeLsns[(int)(oldest % TimeRingSize)];
            if (oldest > 0)
            {
                oldest++; // the oldest pair only bounds the range: which commit covered the LSNs up to it is forgotten
            }

            if (_times == 0 || lsn <= floor || oldest >= _times || _timeLsns[(int)((_times - 1) % TimeRingSize)] < lsn)
            {
                committedLsn = 0;
                committedAtUnixMicros = 0;
                return false;
            }

            // Binary search over the ring (committed LSNs increase): the first commit whose LSN reaches lsn.
            long low = oldest;
            long high = _times - 1;
            while (low < high)
            {
                long middle = low + ((high - low) / 2);
                if (_timeLsns[(int)(middle % TimeRingSize)] >= lsn)
                {
                    high = middle;
                }
                else
                {
                    low = middle + 1;
                }
            }

            int slot = (int)(low % TimeRingSize);
            committedLsn = _timeLsns[slot];
            committedAtUnixMicros = _timeMicros[slot];
            return true;
        }
    }

    /// <summary>Fails every present and future waiter for an LSN not yet committed.</summary>
    public void SetFault(Exception fault)
    {
        TaskCompletionSource failed;
        lock (_gate)
        {
            _fault ??= fault;
            failed = _next;
        }

        failed.TrySetException(new IOException("A write-ahead log commit failed; the log accepts no more writes.", fault));
    }

    public void Wait(long lsn)
    {
        while (true)
        {
            Task task;
            lock (_gate)
            {
                if (_committed >= lsn)
                {
                    return;
                }

                ThrowIfFaulted();
                task = _next.Task;
            }

            task.GetAwaiter().GetResult();
        }
    }

    public ValueTask WaitAsync(long lsn, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _committed) >= lsn)
        {
            return ValueTask.CompletedTask;
        }

        return WaitSlowAsync(lsn, cancellationToken);
    }

    private async ValueTask WaitSlowAsync(long lsn, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task task;
            lock (_gate)
            {
                if (_committed >= lsn)
                {
                    return;
                }

                ThrowIfFaulted();
                task = _next.Task;
            }

            await task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void ThrowIfFaulted()
    {
        if (_fault is not null)
        {
            throw new IOException("A write-ahead log commit failed; the log accepts no more writes.", _fault);
        }
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
