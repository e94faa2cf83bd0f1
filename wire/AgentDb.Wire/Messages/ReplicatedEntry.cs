namespace AgentDb.Wire.Messages;

/// <summary>
/// One log entry of the primary inside <see cref="ReplEntriesMessage"/>: <c>[lsn: uint, previousLsn: uint, entry: bin]</c>.
/// The bytes are the engine's log entry exactly as the primary appended it; the wire does not interpret them.
/// </summary>
/// <param name="Lsn">The entry's log sequence number on the primary.</param>
/// <param name="PreviousLsn">The LSN of the entry before it in the primary's log (0 for the first): lets the replica detect a lost entry.</param>
/// <param name="Entry">The raw entry bytes.</param>
public readonly record struct ReplicatedEntry(ulong Lsn, ulong PreviousLsn, ReadOnlyMemory<byte> Entry);
