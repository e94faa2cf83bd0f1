using System.Threading.Channels;

namespace AgentDb.Server.Replication;

/// <summary>
/// A replica's acknowledgements to its primary. The apply loop makes each batch visible before this replica's own log
/// commit completes (<see cref="AgentDatabase.ApplyReplicatedAheadOfCommit"/>) and hands its last LSN here; an LSN is
/// acknowledged only once <see cref="AgentDatabase.CommittedLogLsn"/> reached it, because the primary counts
/// acknowledgements for <c>sync</c> writes as "W replicas have durably applied it". Several pending LSNs are waited for
/// and acknowledged at once (the last), so the apply loop never waits for a commit.
/// </summary>
/// <param name="database">The replica's database.</param>
/// <param name="visibleToDurable">Receives, per entry, the time from visible here to durable here.</param>
/// <param name="send">Sends one REPL_ACK naming the LSN.</param>
/// <param name="beforeSend">Called before each acknowledgement (the failover fence: throws when the term moved on).</param>
internal sealed class DurableAcknowledger(
    AgentDatabase database, LagHistogram visibleToDurable, Func<long, CancellationToken, ValueTask> send, Action beforeSend)
{
    private readonly List<Visible> _batch = new(8);
    private long _acknowledgedLsn;

    /// <summary>The last LSN acknowledged to the primary (durable here when it was sent).</summary>
    public long AcknowledgedLsn => Interlocked.Read(ref _acknowledgedLsn);

    /// <summary>
    /// Acknowledges what <paramref name="pending"/> brings, each once durable, until the channel completes (what is left
    /// is still acknowledged) or <paramref name="token"/> fires.
    /// </summary>
    /// <exception cref="IOException">The log commit failed, or the fence refused.</exception>
    /// <exception cref="OperationCanceledException">The token fired.</exception>
    public async Task RunAsync(ChannelReader<Visible> pending, CancellationToken token)
    {
        // Bounded by the channel: ends when the apply loop completes it or the token fires.
        while (await pending.WaitToReadAsync(token).ConfigureAwait(false))
        {
            _batch.Clear();
            while (pending.TryRead(out var visible))
            {
                _batch.Add(visible);
            }
            var target = _batch[^1].Lsn;
            await database.WaitForLogCommitAsync(target, token).ConfigureAwait(false);
            RecordVisibleToDurable();
            beforeSend();
            await send(target, token).ConfigureAwait(false);
            Interlocked.Exchange(ref _acknowledgedLsn, target);
        }
    }

    private void RecordVisibleToDurable()
    {
        foreach (var visible in _batch)
        {
            if (database.TryGetLogCommitTime(visible.Lsn, out _, out var durableAt))
            {
                visibleToDurable.Record(durableAt - visible.VisibleAtUnixMicros, visible.Entries); // 0 when the commit finished first
            }
        }
    }

    /// <summary>A batch made visible: its last LSN, when (Unix microseconds, this machine's clock) and how many entries.</summary>
    public readonly record struct Visible(long Lsn, long VisibleAtUnixMicros, int Entries);
}
