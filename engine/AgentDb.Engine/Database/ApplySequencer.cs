namespace AgentDb;

/// <summary>
/// Makes log entries apply in append order although their writers wake from the commit wait in any order. Each append
/// takes a ticket (under the append lock). An entry applies in up to two stages, each in ticket order:
/// <list type="bullet">
/// <item>the <em>store stage</em> (its records written to the record store) when the <em>store turn</em> reaches its
/// ticket: every earlier entry has left its store stage;</item>
/// <item>the <em>index stage</em> (vector and payload indexes, then visible) when the <em>turn</em> reaches its ticket:
/// every earlier entry is done.</item>
/// </list>
/// An entry that holds the store turn passes it on with <see cref="PassStoreTurn"/>, which first waits for the turn: so the
/// next entry's store stage overlaps this entry's index stage, and at most two entries are active, one per stage. An
/// entry (or a barrier such as a checkpoint) that must run alone waits for the turn with <see cref="WaitTurn"/> and
/// keeps the store turn until <see cref="Complete"/>. Invariant: <c>turn ≤ storeTurn ≤ turn + 1</c>.
/// No allocation unless an asynchronous writer actually has to wait.
/// </summary>
internal sealed class ApplySequencer
{
    private readonly object _gate = new();

    // Asynchronous waiters by ticket: for the store turn, and for the turn. A ticket waits for one of them at a time.
    private readonly Dictionary<long, TaskCompletionSource> _storeWaiters = new();
    private readonly Dictionary<long, TaskCompletionSource> _turnWaiters = new();
    private long _turn;
    private long _storeTurn;
    private int _syncWaiters;
    private Exception? _fault;

    /// <summary>Waits until every entry before <paramref name="ticket"/> is done: the ticket then runs alone.</summary>
    public void WaitTurn(long ticket) => Wait(ref _turn, ticket);

    /// <summary>Waits until every entry before <paramref name="ticket"/> has left its store stage.</summary>
    public void WaitStoreTurn(long ticket) => Wait(ref _storeTurn, ticket);

    /// <summary>
    /// Whether <paramref name="ticket"/> holds the store turn (and nothing failed): then it keeps it until it passes it
    /// on, so the caller may run its store stage without waiting.
    /// </summary>
    public bool IsStoreTurn(long ticket) => Volatile.Read(ref _storeTurn) == ticket && Volatile.Read(ref _fault) is null;

    public ValueTask WaitTurnAsync(long ticket) => WaitAsync(_turnWaiters, ref _turn, ticket);

    public ValueTask WaitStoreTurnAsync(long ticket) => WaitAsync(_storeWaiters, ref _storeTurn, ticket);

    /// <summary>
    /// Called by the holder of the store turn after its store stage: waits for the turn (the previous entry's index
    /// stage is done), then lets the next ticket run its store stage.
    /// </summary>
    /// <exception cref="InvalidOperationException">The ticket does not hold the store turn, or the sequencer failed.</exception>
    public void PassStoreTurn(long ticket)
    {
        CheckHoldsStoreTurn(ticket);
        WaitTurn(ticket);
        PassStoreTurnInTurn(ticket);
    }

    /// <inheritdoc cref="PassStoreTurn"/>
    public async ValueTask PassStoreTurnAsync(long ticket)
    {
        CheckHoldsStoreTurn(ticket);
        await WaitTurnAsync(ticket).ConfigureAwait(false);
        PassStoreTurnInTurn(ticket);
    }

    /// <summary>Ends <paramref name="ticket"/>: passes the turn, and the store turn if the ticket still holds it.</summary>
    public void Complete(long ticket)
    {
        TaskCompletionSource? nextTurn;
        TaskCompletionSource? nextStore = null;
        lock (_gate)
        {
            if (_storeTurn == ticket)
            {
                Volatile.Write(ref _storeTurn, ticket + 1);
                _storeWaiters.Remove(ticket + 1, out nextStore);
            }

            Volatile.Write(ref _turn, ticket + 1);
            _turnWaiters.Remove(ticket + 1, out nextTurn);
            if (_syncWaiters > 0)
            {
                Monitor.PulseAll(_gate);
            }
        }

        nextStore?.TrySetResult();
        nextTurn?.TrySetResult();
    }

    /// <summary>Fails every waiter, now and later: the database can no longer apply in order.</summary>
    public void Fault(Exception fault)
    {
        List<TaskCompletionSource> waiters;
        lock (_gate)
        {
            _fault ??= fault;
            waiters = new List<TaskCompletionSource>(_turnWaiters.Values);
            waiters.AddRange(_storeWaiters.Values);
            _turnWaiters.Clear();
            _storeWaiters.Clear();
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

    private void Wait(ref long turn, long ticket)
    {
        lock (_gate)
        {
            while (turn != ticket)
            {
                ThrowIfFaulted();
                _syncWaiters++;
                Monitor.Wait(_gate);
                _syncWaiters--;
            }

            ThrowIfFaulted();
        }
    }

    private ValueTask WaitAsync(Dictionary<long, TaskCompletionSource> waiters, ref long turn, long ticket)
    {
        TaskCompletionSource source;
        lock (_gate)
        {
            ThrowIfFaulted();
            if (turn == ticket)
            {
                return ValueTask.CompletedTask;
            }

            source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            waiters.Add(ticket, source);
        }

        return new ValueTask(source.Task);
    }

    private void CheckHoldsStoreTurn(long ticket)
    {
        long storeTurn = Volatile.Read(ref _storeTurn);
        if (storeTurn != ticket)
        {
            throw new InvalidOperationException($"Ticket {ticket} passed on a store turn it does not hold (store turn {storeTurn}).");
        }
    }

    private void PassStoreTurnInTurn(long ticket)
    {
        TaskCompletionSource? next;
        lock (_gate)
        {
            Volatile.Write(ref _storeTurn, ticket + 1);
            _storeWaiters.Remove(ticket + 1, out next);
            if (_syncWaiters > 0)
            {
                Monitor.PulseAll(_gate);
            }
        }

        next?.TrySetResult();
    }

    private InvalidOperationException Failed() =>
        new("An earlier write failed while being applied; the database must be reopened (the log replays it).", _fault);
}
