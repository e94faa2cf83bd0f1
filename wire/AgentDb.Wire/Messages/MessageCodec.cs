using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using MessagePack;

namespace AgentDb.Wire.Messages;

/// <summary>Encodes and decodes message bodies. Decoding never throws: any malformed body yields false and a reason.</summary>
public static class MessageCodec
{
    /// <summary>Appends <paramref name="message"/>'s MessagePack encoding to <paramref name="output"/>.</summary>
    public static void Encode<T>(IBufferWriter<byte> output, T message) where T : IWireMessage<T>
    {
        var writer = new MessagePackWriter(output);
        message.Write(ref writer);
        writer.Flush();
    }

    /// <summary>The MessagePack encoding of <paramref name="message"/> as a new array (tests and tools; not the hot path).</summary>
    public static byte[] ToArray<T>(T message) where T : IWireMessage<T>
    {
        var output = new ArrayBufferWriter<byte>();
        Encode(output, message);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Decodes a whole body as one <typeparamref name="T"/>.</summary>
    /// <param name="body">Exactly one frame body.</param>
    /// <param name="message">The message when this returns true.</param>
    /// <param name="error">Why the body was rejected, when this returns false.</param>
    /// <returns>False when the body is not valid MessagePack, not a valid <typeparamref name="T"/>, or has bytes after it.</returns>
    public static bool TryDecode<T>(
        in ReadOnlySequence<byte> body, [NotNullWhen(true)] out T? message, [NotNullWhen(false)] out string? error)
        where T : IWireMessage<T>
    {
        message = default;
        try
        {
            var reader = new MessagePackReader(body);
            if (reader.End)
            {
                error = "empty body: every body is one MessagePack value";
                return false;
            }
            var decoded = T.Read(ref reader);
            if (!reader.End)
            {
                error = $"{body.Length - reader.Consumed} unexpected bytes after the body";
                return false;
            }
            message = decoded!;
            error = null;
            return true;
        }
        catch (WireFormatException e)
        {
            error = e.Message;
        }
        catch (MessagePackSerializationException e)
        {
            error = $"invalid MessagePack: {e.Message}";
        }
        catch (EndOfStreamException)
        {
            error = "invalid MessagePack: the body ends inside a value";
        }
        catch (OverflowException)
        {
            error = "invalid MessagePack: a number is out of range";
        }
        catch (ArgumentException e)
        {
            error = $"invalid MessagePack: {e.Message}";
        }
        return false;
    }

    /// <summary>Decodes a whole body held in memory. See <see cref="TryDecode{T}(in ReadOnlySequence{byte}, out T, out string)"/>.</summary>
    public static bool TryDecode<T>(
        ReadOnlyMemory<byte> body, [NotNullWhen(true)] out T? message, [NotNullWhen(false)] out string? error)
        where T : IWireMessage<T> =>
        TryDecode(new ReadOnlySequence<byte>(body), out message, out error);
}
