using AgentDb.Wire.Messages;

namespace AgentDb.Client;

/// <summary>The server answered a request with an error response.</summary>
public class AgentDbException : Exception
{
    /// <summary>Creates the exception from an error response.</summary>
    public AgentDbException(ErrorCode code, string message, string? primaryAddress = null)
        : base(message)
    {
        Code = code;
        PrimaryAddress = primaryAddress;
    }

    /// <summary>Why the request failed. <see cref="ErrorCode.Busy"/> and <see cref="ErrorCode.NotPrimary"/> are worth
    /// retrying (later, or at <see cref="PrimaryAddress"/>).</summary>
    public ErrorCode Code { get; }

    /// <summary>For <see cref="ErrorCode.NotPrimary"/>: the primary's <c>host:port</c>, when the server knows it.</summary>
    public string? PrimaryAddress { get; }
}
