namespace AgentDb.Storage;

/// <summary>The fixed part of a stored record value (see <see cref="RecordValueCodec"/>); <see cref="Found"/> is false for a missing record.</summary>
internal readonly record struct RecordHeader(bool Found, long InternalId, long CreatedUnixMs, long UpdatedUnixMs, long Lsn, int PayloadLength, int Dimension);
