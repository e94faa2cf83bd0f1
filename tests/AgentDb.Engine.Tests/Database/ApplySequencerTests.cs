namespace AgentDb.Engine.Tests.Database;

/// <summary>The two apply stages' turns: a store stage overlaps the previous entry's index stage, never more.</summary>
public sealed class ApplySequencerTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_settle = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task TheNextStoreStage_RunsDuringTheIndexStage_ButItsIndexStageWaitsForTheTurn()
    {
        var sequencer = new ApplySequencer();
        Assert.True(sequencer.IsStoreTurn(0));
        Assert.False(sequencer.IsStoreTurn(1));
        sequencer.PassStoreTurn(0); // ticket 0 in its index stage
        Assert.True(sequencer.IsStoreTurn(1));
        sequencer.WaitStoreTurn(1); // returns at once

        Task passing = Task.Run(() => sequencer.PassStoreTurn(1));
        await Task.Delay(s_settle);
        Assert.False(passing.IsCompleted); // ticket 0 still indexes
        Assert.False(sequencer.IsStoreTurn(2));
        sequencer.Complete(0);
        await passing.WaitAsync(s_wait);
        Assert.True(sequencer.IsStoreTurn(2));
    }

    [Fact]
    public async Task ABarrier_WaitsForTheIndexStageBeforeIt_AndHoldsTheStoreTurnUntilItCompletes()
    {
        var sequencer = new ApplySequencer();
        sequencer.PassStoreTurn(0);
        ValueTask barrier = sequencer.WaitTurnAsync(1); // e.g. a checkpoint: must see ticket 0 indexed
        Assert.False(barrier.IsCompleted);
        ValueTask store2 = sequencer.WaitStoreTurnAsync(2);
        sequencer.Complete(0);
        await barrier.AsTask().WaitAsync(s_wait);

        await Task.Delay(s_settle);
        Assert.False(store2.IsCompleted); // the barrier never passed the store turn on
        sequencer.Complete(1);
        await store2.AsTask().WaitAsync(s_wait);
        Assert.True(sequencer.IsStoreTurn(2));
    }

    [Fact]
    public async Task PassStoreTurnAsync_WaitsForThePreviousIndexStage()
    {
        var sequencer = new ApplySequencer();
        sequencer.PassStoreTurn(0);
        ValueTask passing = sequencer.PassStoreTurnAsync(1);
        await Task.Delay(s_settle);
        Assert.False(passing.IsCompleted);
        sequencer.Complete(0);
        await passing.AsTask().WaitAsync(s_wait);
        Assert.True(sequencer.IsStoreTurn(2));
        sequencer.Complete(1);
        sequencer.WaitTurn(2);
    }

    [Fact]
    public void PassingAStoreTurnNotHeld_Throws()
    {
        var sequencer = new ApplySequencer();
        sequencer.PassStoreTurn(0);
        sequencer.Complete(0);
        Assert.Throws<InvalidOperationException>(() => sequencer.PassStoreTurn(0));
    }

    [Fact]
    public async Task AFault_FailsEveryWaiterOfBothTurns_AndLaterOnes()
    {
        var sequencer = new ApplySequencer();
        sequencer.PassStoreTurn(0);
        ValueTask store = sequencer.WaitStoreTurnAsync(2);
        ValueTask turn = sequencer.WaitTurnAsync(1);
        Task syncWaiter = Task.Run(() => sequencer.WaitStoreTurn(3));
        await Task.Delay(s_settle);
        sequencer.Fault(new IOException("disk"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.AsTask().WaitAsync(s_wait));
        await Assert.ThrowsAsync<InvalidOperationException>(() => turn.AsTask().WaitAsync(s_wait));
        await Assert.ThrowsAsync<InvalidOperationException>(() => syncWaiter.WaitAsync(s_wait));
        Assert.False(sequencer.IsStoreTurn(1));
        Assert.Throws<InvalidOperationException>(() => sequencer.WaitTurn(0));
    }

    [Fact]
    public void ManyTickets_RunEachStageInTicketOrder_WithAtMostOneEntryPerStage()
    {
        // Threads take tickets out of order; each records entering and leaving both stages. Every stage must see the
        // tickets in order, one at a time, and a store stage may only overlap the index stage of the ticket before it.
        const int tickets = 400;
        var sequencer = new ApplySequencer();
        int inStore = -1;
        int inIndex = -1;
        int lastStore = -1;
        int lastIndex = -1;
        string? failure = null;
        void Fail(string message) => Interlocked.CompareExchange(ref failure, message, null);
        int next = -1;
        void Run(int t)
        {
            bool barrier = t % 37 == 0;
            if (barrier)
            {
                sequencer.WaitTurn(t);
                if (Volatile.Read(ref inIndex) != -1 || Volatile.Read(ref inStore) != -1 || lastIndex != t - 1)
                {
                    Fail($"barrier {t} ran beside another stage");
                }

                lastStore = t;
                lastIndex = t;
                sequencer.Complete(t);
                return;
            }

            sequencer.WaitStoreTurn(t);
            if (Interlocked.Exchange(ref inStore, t) != -1 || lastStore != t - 1)
            {
                Fail($"store stage {t} out of order");
            }

            int indexing = Volatile.Read(ref inIndex);
            if (indexing != -1 && indexing != t - 1)
            {
                Fail($"store stage {t} beside index stage {indexing}");
            }

            lastStore = t;
            Volatile.Write(ref inStore, -1);
            sequencer.PassStoreTurn(t);
            if (Interlocked.Exchange(ref inIndex, t) != -1 || lastIndex != t - 1)
            {
                Fail($"index stage {t} out of order");
            }

            Thread.SpinWait(200);
            lastIndex = t;
            Volatile.Write(ref inIndex, -1);
            sequencer.Complete(t);
        }

        var threads = new Thread[4];
        for (int i = 0; i < threads.Length; i++)
        {
            // Each thread takes the next ticket and runs it: tickets are taken in order but run in any interleaving.
            threads[i] = new Thread(() =>
            {
                int t;
                while ((t = Interlocked.Increment(ref next)) < tickets)
                {
                    Run(t);
                }
            })
            { IsBackground = true };
            threads[i].Start();
        }

        foreach (Thread thread in threads)
        {
            Assert.True(thread.Join(s_wait));
        }

        Assert.Null(failure);
        Assert.Equal(tickets - 1, lastIndex);
    }
}
