using System.Buffers;
using AgentDb.Wire.Messages;
using MessagePack;

namespace AgentDb.Wire.Frames;

/// <summary>
/// Builds one frame in a pooled array: the header's 24 bytes are reserved first, the body is written after them
/// through <see cref="IBufferWriter{T}"/>, and <see cref="Complete"/> fills in the header once the body's length is
/// known, so the frame is written without a second copy. Reuse it with <see cref="Reset"/>; dispose returns the array.
/// Not thread-safe.
/// </summary>
public sealed class FrameBuffer : IBufferWriter<byte>, IDisposable
{
    private const int InitialSize = 256;

    private byte[] _buffer;
    private int _written;

    /// <summary>Rents the first array and reserves the header.</summary>
    public FrameBuffer()
    {
        _buffer = ArrayPool<byte>.Shared.Rent(InitialSize);
        _written = FrameHeader.Size;
    }

    /// <summary>The size of the array currently rented; lets an owner decide whether the buffer is worth keeping.</summary>
    public int Capacity => _buffer.Length;

    /// <summary>Bytes of body written so far.</summary>
    public int BodyLength => _written - FrameHeader.Size;

    /// <summary>The body written so far (valid until the next write).</summary>
    public ReadOnlyMemory<byte> Body => _buffer.AsMemory(FrameHeader.Size, BodyLength);

    /// <summary>The whole frame, header included; meaningful after <see cref="Complete"/>.</summary>
    public ReadOnlyMemory<byte> Frame => _buffer.AsMemory(0, _written);

    /// <summary>Forgets the body, keeping the array, for the next frame.</summary>
    public void Reset() => _written = FrameHeader.Size;

    /// <summary>Writes <paramref name="message"/> as the body.</summary>
    public void WriteBody<T>(T message) where T : IWireMessage<T>
    {
        var writer = new MessagePackWriter(this);
        message.Write(ref writer);
        writer.Flush();
    }

    /// <summary>Fills in the header for the body written so far.</summary>
    /// <returns>The whole frame.</returns>
    public ReadOnlyMemory<byte> Complete(Opcode opcode, FrameFlags flags, ulong requestId)
    {
        new FrameHeader(opcode, flags, requestId, (uint)BodyLength).Write(_buffer);
        return Frame;
    }

    /// <summary>Resets, writes <paramref name="message"/> and completes the header: one call for a whole frame.</summary>
    public ReadOnlyMemory<byte> Build<T>(Opcode opcode, FrameFlags flags, ulong requestId, T message)
        where T : IWireMessage<T>
    {
        Reset();
        WriteBody(message);
        return Complete(opcode, flags, requestId);
    }

    /// <inheritdoc/>
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _buffer.Length - _written);
        _written += count;
    }

    /// <inheritdoc/>
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Grow(sizeHint);
        return _buffer.AsMemory(_written);
    }

    /// <inheritdoc/>
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Grow(sizeHint);
        return _buffer.AsSpan(_written);
    }

    /// <summary>Returns the array to the pool.</summary>
    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _written = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Grow(int sizeHint)
    {
        ObjectDisposedException.ThrowIf(_buffer.Length == 0, this);
        var needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written >= needed)
        {
            return;
        }
        var size = (int)Math.Min(Array.MaxLength, Math.Max((long)_buffer.Length * 2, (long)_written + needed));
        var larger = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, _written).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }
}
