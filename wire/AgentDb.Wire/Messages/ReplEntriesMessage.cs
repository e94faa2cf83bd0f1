using System.Buffers;
using MessagePack;

namespace AgentDb.Wire.Messages;

/// <summary>
/// REPL_ENTRIES, sent by the primary on a subscription (flag RESPONSE, the REPL_SUBSCRIBE's request id):
/// <c>[primaryLastLsn: uint, sentAtUnixMicros: int, entries: [[lsn, previousLsn, entry: bin], …], commits?: [[lastLsn: uint,
/// committedAtUnixMicros: int], …]]</c>. Entries are committed on the primary, in LSN order, each following the one before
/// it. <c>commits</c> (written only when not empty; older primaries never write it) says when the entries became durable on
/// the primary: each pair covers the entries above the previous pair's <c>lastLsn</c>, in increasing <c>lastLsn</c> order.
/// </summary>
public sealed class ReplEntriesMessage : IWireMessage<ReplEntriesMessage>
{
    /// <summary>Creates the message.</summary>
    /// <param name="primaryLastLsn">The primary's last committed LSN when the batch was sent (for lag).</param>
    /// <param name="sentAtUnixMicros">The primary's clock when the batch was sent, microseconds since 1970 UTC (for lag in time).</param>
    /// <param name="entries">The entries, at least one.</param>
    /// <param name="commits">When the entries were committed on the primary (see <see cref="Commits"/>); null or empty: not sent.</param>
    public ReplEntriesMessage(ulong primaryLastLsn, long sentAtUnixMicros, IReadOnlyList<ReplicatedEntry> entries, IReadOnlyList<ReplCommitTime>? commits = null)
    {
        PrimaryLastLsn = primaryLastLsn;
        SentAtUnixMicros = sentAtUnixMicros;
        Entries = entries;
        Commits = commits ?? [];
    }

    /// <summary>The primary's last committed LSN when the batch was sent.</summary>
    public ulong PrimaryLastLsn { get; }

    /// <summary>When the primary sent the batch (Unix microseconds, the primary's clock).</summary>
    public long SentAtUnixMicros { get; }

    /// <summary>The entries, in LSN order.</summary>
    public IReadOnlyList<ReplicatedEntry> Entries { get; }

    /// <summary>
    /// When the entries became durable on the primary, in increasing <see cref="ReplCommitTime.LastLsn"/> order: each pair
    /// covers the entries above the previous pair's LSN. Empty when the primary did not send them (an older primary).
    /// </summary>
    public IReadOnlyList<ReplCommitTime> Commits { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(Commits.Count > 0 ? 4 : 3);
        writer.Write(PrimaryLastLsn);
        writer.Write(SentAtUnixMicros);
        writer.WriteArrayHeader(Entries.Count);
        for (var i = 0; i < Entries.Count; i++)
        {
            var entry = Entries[i];
            writer.WriteArrayHeader(3);
            writer.Write(entry.Lsn);
            writer.Write(entry.PreviousLsn);
            writer.Write(entry.Entry.Span);
        }
        if (Commits.Count > 0)
        {
            writer.WriteArrayHeader(Commits.Count);
            for (var i = 0; i < Commits.Count; i++)
            {
                writer.WriteArrayHeader(2);
                writer.Write(Commits[i].LastLsn);
                writer.Write(Commits[i].CommittedAtUnixMicros);
            }
        }
    }

    /// <inheritdoc/>
    public static ReplEntriesMessage Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 3, "REPL_ENTRIES");
        var lastLsn = Fields.ReadUInt64(ref reader, "primaryLastLsn");
        var sentAt = Fields.ReadInt64(ref reader, "sentAtUnixMicros");
        // Each entry takes at least 4 bytes (array header, two uints, a bin header): bounded by what is left.
        var entryCount = Fields.ReadListCount(ref reader, "entries", (int)Math.Min(int.MaxValue, reader.Sequence.Length / 4));
        var entries = new ReplicatedEntry[entryCount];
        ulong previous = 0;
        for (var i = 0; i < entryCount; i++)
        {
            var fields = Fields.ReadFieldCount(ref reader, 3, "REPL_ENTRIES entry");
            var lsn = Fields.ReadUInt64(ref reader, "entry.lsn");
            var previousLsn = Fields.ReadUInt64(ref reader, "entry.previousLsn");
            if (reader.NextMessagePackType != MessagePackType.Binary)
            {
                throw new WireFormatException("entry.entry must be bin");
            }
            var bytes = reader.ReadBytes() ?? throw new WireFormatException("entry.entry must be bin");
            Fields.SkipExtraFields(ref reader, fields, 3);
            if (lsn <= previousLsn || (i > 0 && previousLsn != previous))
            {
                throw new WireFormatException($"entry {i} (LSN {lsn}, previous {previousLsn}) does not follow LSN {previous}");
            }
            previous = lsn;
            entries[i] = new ReplicatedEntry(lsn, previousLsn, bytes.ToArray());
        }
        ReplCommitTime[]? commits = null;
        if (count > 3)
        {
            // Each pair takes at least 3 bytes: bounded by what is left, and by the entries it may cover.
            var commitCount = Fields.ReadListCount(ref reader, "commits", (int)Math.Min(entryCount, reader.Sequence.Length / 3));
            commits = new ReplCommitTime[commitCount];
            ulong previousCommit = 0;
            for (var i = 0; i < commitCount; i++)
            {
                var fields = Fields.ReadFieldCount(ref reader, 2, "REPL_ENTRIES commit");
                var commitLsn = Fields.ReadUInt64(ref reader, "commit.lastLsn");
                var committedAt = Fields.ReadInt64(ref reader, "commit.committedAtUnixMicros");
                Fields.SkipExtraFields(ref reader, fields, 2);
                if (commitLsn <= previousCommit)
                {
                    throw new WireFormatException($"commit {i} (LSN {commitLsn}) is not above the commit before it (LSN {previousCommit})");
                }
                previousCommit = commitLsn;
                commits[i] = new ReplCommitTime(commitLsn, committedAt);
            }
            Fields.SkipExtraFields(ref reader, count, 4);
        }
        return new ReplEntriesMessage(lastLsn, sentAt, entries, commits);
    }
}
