namespace AgentDb;

/// <summary>
/// Makes log entries apply in append order although their writers wake from the commit wait in any order. Each append
/// takes a ticket (under the append lock); a writer applies when the turn reaches its ticket. No allocation unless an
/// asynchronous writer actually has to wait.
/// </summary>
internal sealed class ApplySequencer
{
    private readonly object _gate = new();
    private readonly Dictionary<long, TaskCompletionSource> _asyncWaiters = new();
    private long _turn;
    private int _syncWaiters;
    private Exception? _fault;

    public void WaitTurn(long ticket)
    {
        lock (_gate)
        {
            while (_turn != ticket)
            {
                ThrowIfFaulted();
                _syncWaiters++;
                Monitor.Wait(_gate);
                _syncWaiters--;
            }

            ThrowIfFaulted();
        }
    }

    /// <summary>
    /// Whether <paramref name="ticket"/>'s turn has come (and nothing failed): then it stays so until <see cref="Complete"/>
    /// of that ticket, so the caller may apply without waiting.
    /// </summary>
    public bool IsTurn(long ticket) => Volatile.Read(ref _turn) == ticket && Volatile.Read(ref _fault) is null;

    public ValueTask WaitTurnAsync(long ticket)
    {
        TaskCompletionSource source;
        lock (_gate)
        {
            ThrowIfFaulted();
            if (_turn == ticket)
            {
                return ValueTask.CompletedTask;
            }

            source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _asyncWaiters.Add(ticket, source);
        }

        return new ValueTask(source.Task);
    }

    /// <summary>Passes the turn to the next ticket.</summary>
    public void Complete(long ticket)
    {
        TaskCompletionSource? next;
        lock (_gate)
        {
            Volatile.Write(ref _turn, ticket + 1);
            _asyncWaiters.Remove(_turn, out next);
            if (_syncWaiters > 0)
            {
                Monitor.PulseAll(_gate);
            }
        }

        next?.TrySetResult();
    }

    /// <summary>Fails every waiter, now and later: the database can no longer apply in order.</summary>
    public void Fault(Exception fault)
    {
        List<TaskCompletionSource> waiters;
        lock (_gate)
        {
            _fault ??= fault;
            waiters = new List<TaskCompletionSource>(_asyncWaiters.Values);
            _asyncWaiters.Clear();
            Monitor.PulseAll(_gate);
        }

        foreach (TaskCompletionSource waiter in waiters)
        {
            waiter.TrySetException(Failed());
        }
    }

    /// <summary>Throws when the sequencer was faulted, as a waiter would.</summary>
    /// <exception cref="InvalidOperationException">An earlier write failed while being applied.</exception>
    public void ThrowIfFaulted()
    {
        if (_fault is not null)
        {
            throw Failed();
        }
    }

    private InvalidOperationException Failed() =>
        new("An earlier write failed while being applied; the database must be reopened (the log replays it).", _fault);
}
