using System.Buffers;
using MessagePack;

namespace AgentDb.Wire.Messages;

/// <summary>
/// REPL_ENTRIES, sent by the primary on a subscription (flag RESPONSE, the REPL_SUBSCRIBE's request id):
/// <c>[primaryLastLsn: uint, sentAtUnixMicros: int, entries: [[lsn, previousLsn, entry: bin], …]]</c>. Entries are
/// committed on the primary, in LSN order, each following the one before it.
/// </summary>
public sealed class ReplEntriesMessage : IWireMessage<ReplEntriesMessage>
{
    /// <summary>Creates the message.</summary>
    /// <param name="primaryLastLsn">The primary's last committed LSN when the batch was sent (for lag).</param>
    /// <param name="sentAtUnixMicros">The primary's clock when the batch was sent, microseconds since 1970 UTC (for lag in time).</param>
    /// <param name="entries">The entries, at least one.</param>
    public ReplEntriesMessage(ulong primaryLastLsn, long sentAtUnixMicros, IReadOnlyList<ReplicatedEntry> entries)
    {
        PrimaryLastLsn = primaryLastLsn;
        SentAtUnixMicros = sentAtUnixMicros;
        Entries = entries;
    }

    /// <summary>The primary's last committed LSN when the batch was sent.</summary>
    public ulong PrimaryLastLsn { get; }

    /// <summary>When the primary sent the batch (Unix microseconds, the primary's clock).</summary>
    public long SentAtUnixMicros { get; }

    /// <summary>The entries, in LSN order.</summary>
    public IReadOnlyList<ReplicatedEntry> Entries { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(3);
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
        Fields.SkipExtraFields(ref reader, count, 3);
        return new ReplEntriesMessage(lastLsn, sentAt, entries);
    }
}
