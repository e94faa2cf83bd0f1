using MessagePack;

namespace AgentDb.Wire.Messages;

/// <summary>The body of every error response (flags RESPONSE|ERROR): <c>[code: uint, message: str, primary: str|nil]</c>.</summary>
public sealed class ErrorResponse : IWireMessage<ErrorResponse>
{
    /// <summary>Creates an error body.</summary>
    /// <param name="code">Why the request failed.</param>
    /// <param name="message">One sentence for people.</param>
    /// <param name="primaryAddress">For <see cref="ErrorCode.NotPrimary"/>: the primary's <c>host:port</c>, if known.</param>
    public ErrorResponse(ErrorCode code, string message, string? primaryAddress = null)
    {
        Code = code;
        Message = message;
        PrimaryAddress = primaryAddress;
    }

    /// <summary>Why the request failed.</summary>
    public ErrorCode Code { get; }

    /// <summary>One sentence for people.</summary>
    public string Message { get; }

    /// <summary>The primary's <c>host:port</c> for <see cref="ErrorCode.NotPrimary"/>; otherwise null.</summary>
    public string? PrimaryAddress { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(3);
        writer.Write((ushort)Code);
        writer.Write(Message);
        Fields.WriteNullableString(ref writer, PrimaryAddress);
    }

    /// <inheritdoc/>
    public static ErrorResponse Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 2, "error");
        var code = (ErrorCode)Fields.ReadUInt32(ref reader, "error.code", ushort.MaxValue);
        var message = Fields.ReadString(ref reader, WireLimits.MaxTextBytes, "error.message", allowEmpty: true);
        var primary = count > 2 ? Fields.ReadNullableString(ref reader, WireLimits.MaxTextBytes, "error.primary") : null;
        Fields.SkipExtraFields(ref reader, count, 3);
        return new ErrorResponse(code, message, primary);
    }
}
