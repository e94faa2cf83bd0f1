using AgentDb.Wire.Messages;

namespace AgentDb.Server.Network.Handlers;

/// <summary>How a request ended: success (the response body was written) or a domain error to send back.</summary>
internal readonly struct HandlerResult
{
    private HandlerResult(ErrorCode code, string? message, string? primaryAddress)
    {
        Code = code;
        Message = message;
        PrimaryAddress = primaryAddress;
    }

    /// <summary>The response body written to the handler's buffer is the answer.</summary>
    public static HandlerResult Success => default;

    /// <summary><see cref="ErrorCode.None"/> on success.</summary>
    public ErrorCode Code { get; }

    /// <summary>The error message; null on success.</summary>
    public string? Message { get; }

    /// <summary>For <see cref="ErrorCode.NotPrimary"/>: the primary's address.</summary>
    public string? PrimaryAddress { get; }

    /// <summary>True when the response body is the answer.</summary>
    public bool IsSuccess => Code == ErrorCode.None;

    /// <summary>An error reply; whatever was written to the response buffer is discarded.</summary>
    public static HandlerResult Error(ErrorCode code, string message, string? primaryAddress = null)
    {
        ArgumentOutOfRangeException.ThrowIfEqual(code, ErrorCode.None);
        return new HandlerResult(code, message, primaryAddress);
    }
}
