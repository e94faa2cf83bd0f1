using MessagePack;

namespace AgentDb.Wire.Messages;

/// <summary>
/// Reads one optional trailing field of a request body without decoding the whole message: the server's consistency
/// gates use it to find a write's <c>w</c> (<see cref="UpsertRequest.Replicas"/>) or a read's <c>minLsn</c>
/// (<see cref="GetRequest.MinLsn"/>) around a handler that decodes the body itself. A body in the encoding of a client
/// that does not send the field (the array is shorter) is answered after reading one header, skipping nothing.
/// </summary>
public static class OptionalFields
{
    /// <summary>
    /// Reads the unsigned integer at position <paramref name="index"/> of the body's top-level array.
    /// </summary>
    /// <param name="body">A request body (one MessagePack array).</param>
    /// <param name="index">The field's position, 0-based.</param>
    /// <param name="value">The field's value; 0 when the array has no such field.</param>
    /// <returns>False when the body is not an array or the field is not an unsigned integer (the message's own decoder
    /// reports why); true otherwise, with <paramref name="value"/> 0 for an absent field.</returns>
    public static bool TryReadUInt64(ReadOnlyMemory<byte> body, int index, out ulong value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        value = 0;
        var span = body.Span;
        if (!span.IsEmpty && span[0] is >= 0x90 and <= 0x9f && (span[0] & 0x0f) <= index)
        {
            return true; // a fixarray without the field: answered from its first byte, no reader set up
        }
        try
        {
            var reader = new MessagePackReader(body);
            if (reader.NextMessagePackType != MessagePackType.Array)
            {
                return false;
            }
            var count = reader.ReadArrayHeader();
            if (count <= index)
            {
                return true;
            }
            for (var i = 0; i < index; i++)
            {
                Fields.SkipValue(ref reader, WireLimits.MaxNestingDepth);
            }
            if (reader.NextMessagePackType != MessagePackType.Integer)
            {
                return false;
            }
            value = reader.ReadUInt64();
            return true;
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException or WireFormatException or OverflowException)
        {
            value = 0;
            return false;
        }
    }
}
