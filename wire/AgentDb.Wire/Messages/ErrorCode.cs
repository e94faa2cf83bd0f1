namespace AgentDb.Wire.Messages;

/// <summary>
/// Why a request failed: the first field of an error body. Persisted on the wire: values are explicit and append-only;
/// never renumber or reuse one. <c>ErrorCodeTests</c> pins every value.
/// </summary>
public enum ErrorCode : ushort
{
    /// <summary>Never sent; the default value.</summary>
    None = 0,

    /// <summary>The request is malformed: bad frame, unknown opcode, invalid body, or invalid arguments.</summary>
    BadRequest = 1,

    /// <summary>No successful HELLO on this connection, or HELLO's API key was rejected.</summary>
    Unauthorized = 2,

    /// <summary>The API key's role does not allow this operation.</summary>
    Forbidden = 3,

    /// <summary>The collection or record does not exist.</summary>
    NotFound = 4,

    /// <summary>The frame exceeds the receiver's maximum frame size.</summary>
    TooLarge = 5,

    /// <summary>A limit was reached (connections, requests in flight); retry later.</summary>
    Busy = 6,

    /// <summary>This server is a replica and the operation needs the primary; the error body names the primary.</summary>
    NotPrimary = 7,

    /// <summary>The server failed; the request may or may not have been applied.</summary>
    Internal = 8,

    /// <summary>The operation is defined by the protocol but this server build does not provide it.</summary>
    NotImplemented = 9,

    /// <summary>
    /// A write in <c>sync</c> mode was applied on the primary, but fewer replicas than required confirmed it in time: it
    /// may be lost if the primary fails now.
    /// </summary>
    NotReplicated = 10,
}
