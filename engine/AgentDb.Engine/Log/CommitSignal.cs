namespace AgentDb.Log;

/// <summary>
/// The committed LSN and the waiters for it. One <see cref="TaskCompletionSource"/> per commit (not per waiter):
/// each commit completes the current one and installs the next.
/// </summary>
internal sealed class CommitSignal
{
    private readonly object _gate = new();
    private long _committed;
    private TaskCompletionSource _next = NewSource();
    private Exception? _fault;

    public CommitSignal(long committed)
    {
        _committed = committed;
    }

    public long Committed => Volatile.Read(ref _committed);

    public Exception? Fault => Volatile.Read(ref _fault);

    /// <summary>Raises the committed LSN to <paramref name="lsn"/> and wakes every waiter.</summary>
    public void Advance(long lsn)
    {
        TaskCompletionSource completed;
        lock (_gate)
        {
            if (lsn <= _committed)
            {
                return;
            }

            Volatile.Write(ref _committed, lsn);
            completed = _next;
            _next = NewSource();
        }

        completed.TrySetResult();
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
