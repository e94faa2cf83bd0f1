namespace AgentDb;

/// <summary>One entry of a database's epoch history: primary term <see cref="Epoch"/> began at log entry <see cref="StartLsn"/>.</summary>
/// <param name="Epoch">The primary's term (its Raft term), above every earlier epoch.</param>
/// <param name="StartLsn">The LSN of the epoch's marker entry; the previous epoch's entries end just before it.</param>
public readonly record struct EpochStart(long Epoch, long StartLsn);
