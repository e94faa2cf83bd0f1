namespace AgentDb.Wire.Messages;

/// <summary>
/// One commit of the primary inside <see cref="ReplEntriesMessage"/>: <c>[lastLsn: uint, committedAtUnixMicros: int]</c>.
/// The batch's entries above the previous pair's <paramref name="LastLsn"/> (or from the batch's first entry) up to
/// <paramref name="LastLsn"/> became durable in the primary's log at <paramref name="CommittedAtUnixMicros"/>.
/// </summary>
/// <param name="LastLsn">The last LSN of the batch this commit covers.</param>
/// <param name="CommittedAtUnixMicros">The primary's clock when that commit completed, microseconds since 1970 UTC.</param>
public readonly record struct ReplCommitTime(ulong LastLsn, long CommittedAtUnixMicros);
