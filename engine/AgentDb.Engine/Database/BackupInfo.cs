namespace AgentDb;

/// <summary>What <see cref="AgentDatabase.Backup"/> wrote.</summary>
/// <param name="Directory">The backup directory.</param>
/// <param name="AppliedLsn">The LSN the backup is consistent at: every write acknowledged before the backup began is included.</param>
/// <param name="CreatedUnixMs">When the backup was taken (Unix milliseconds, UTC).</param>
public sealed record BackupInfo(string Directory, long AppliedLsn, long CreatedUnixMs);
