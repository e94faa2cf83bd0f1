using AgentDb.Wire.Messages;

namespace AgentDb.Server.Network.Handlers;

/// <summary>Thrown by a handler for a domain error (NOT_FOUND, BAD_REQUEST, NOT_PRIMARY…): the session answers the
/// request with it and keeps the connection open. Any other exception becomes INTERNAL.</summary>
internal sealed class RequestException : Exception
{
    public RequestException(ErrorCode code, string message, string? primaryAddress = null)
        : base(message)
    {
        Code = code;
        PrimaryAddress = primaryAddress;
    }

    public ErrorCode Code { get; }

    public string? PrimaryAddress { get; }
}
