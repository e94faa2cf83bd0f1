using AgentDb.Wire.Messages;

namespace AgentDb.Wire.Frames;

/// <summary>The byte stream is not valid framing; the connection must be closed after an error frame.</summary>
public sealed class WireProtocolException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="status">What was wrong.</param>
    /// <param name="requestId">The request id from the header, or 0 when it could not be read.</param>
    /// <param name="message">One sentence naming the problem.</param>
    public WireProtocolException(FrameStatus status, ulong requestId, string message)
        : base(message)
    {
        Status = status;
        RequestId = requestId;
    }

    /// <summary>What was wrong.</summary>
    public FrameStatus Status { get; }

    /// <summary>The request id from the offending header, or 0.</summary>
    public ulong RequestId { get; }

    /// <summary>The error code to send back: <see cref="ErrorCode.TooLarge"/> or <see cref="ErrorCode.BadRequest"/>.</summary>
    public ErrorCode Code => Status == FrameStatus.TooLarge ? ErrorCode.TooLarge : ErrorCode.BadRequest;
}
