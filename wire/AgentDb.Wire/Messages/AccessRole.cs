namespace AgentDb.Wire.Messages;

/// <summary>What an API key may do; each role includes the ones below it. Persisted on the wire (HELLO's response):
/// values are explicit and append-only.</summary>
public enum AccessRole : byte
{
    /// <summary>Not authenticated.</summary>
    None = 0,

    /// <summary>Reads: GET, SEARCH, STATS, COLLECTION_LIST.</summary>
    Read = 1,

    /// <summary>Reads and record writes: UPSERT, DELETE, BATCH.</summary>
    Write = 2,

    /// <summary>Everything, including COLLECTION_CREATE, COLLECTION_DROP and CHECKPOINT.</summary>
    Admin = 3,

    /// <summary>
    /// A replica pulling the log: REPL_SUBSCRIBE and REPL_ACK, and the read operations; no client writes. Not above
    /// <see cref="Admin"/> although numbered after it: roles are compared by the server's rules, not by value.
    /// </summary>
    Replication = 4,
}
