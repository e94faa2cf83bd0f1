using AgentDb.Wire.Frames;
using AgentDb.Wire.Messages;

namespace AgentDb.Client;

/// <summary>
/// Which failures <see cref="AgentDbClientPool"/> retries. Only those after which sending the request again cannot
/// apply a write twice:
/// <list type="bullet">
/// <item>BUSY, for every operation: the server answers BUSY without executing the request (in-flight limit) or before
/// any request on the connection (connection limit).</item>
/// <item>NOT_PRIMARY carrying the primary's address, for every operation: a replica executes no write; the request
/// goes to the named primary instead (a redirect, not a retry).</item>
/// <item>A lost connection when the request provably never left the client
/// (<see cref="AgentDbConnectionException.RequestNotSent"/>), for every operation; or connecting failed.</item>
/// <item>A lost connection while the request may have reached the server, only for idempotent operations: PING, GET,
/// SEARCH, STATS and COLLECTION_LIST. UPSERT, DELETE, BATCH, COLLECTION_CREATE/DROP and CHECKPOINT are then not
/// retried and the caller sees <see cref="AgentDbConnectionException"/> (the write may or may not have happened).</item>
/// </list>
/// Never retried: timeouts (the request may still execute), cancellation, and every other error code.
/// </summary>
public static class AgentDbRetryPolicy
{
    /// <summary>True for operations that change nothing, so running them twice is harmless.</summary>
    public static bool IsIdempotent(Opcode opcode) =>
        opcode is Opcode.Ping or Opcode.Get or Opcode.Search or Opcode.Stats or Opcode.CollectionList;

    /// <summary>What to do after <paramref name="failure"/> ended one try of <paramref name="opcode"/>.</summary>
    public static RetryDecision Decide(Opcode opcode, Exception failure) => failure switch
    {
        AgentDbException { Code: ErrorCode.Busy } => RetryDecision.Retry,
        AgentDbException { Code: ErrorCode.NotPrimary, PrimaryAddress: { Length: > 0 } } => RetryDecision.Redirect,
        AgentDbConnectionException { RequestNotSent: true } => RetryDecision.Retry,
        AgentDbConnectionException when IsIdempotent(opcode) => RetryDecision.Retry,
        _ => RetryDecision.None,
    };
}

/// <summary>The outcome of <see cref="AgentDbRetryPolicy.Decide"/>.</summary>
public enum RetryDecision
{
    /// <summary>Give the failure to the caller.</summary>
    None,

    /// <summary>Send the request again (after a back-off), on a healthy connection.</summary>
    Retry,

    /// <summary>Send the request again to the primary named in the NOT_PRIMARY error, at once.</summary>
    Redirect,
}
