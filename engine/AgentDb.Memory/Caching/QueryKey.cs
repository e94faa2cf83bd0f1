using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;

namespace AgentDb.Memory.Caching;

/// <summary>A cached query's identity: the operation's name and a 128-bit hash of all its parameters.</summary>
public readonly record struct QueryKey(string Operation, UInt128 Hash);

/// <summary>
/// Builds a <see cref="QueryKey"/> from a query's parameters without allocating for typical queries: the parameters are
/// written into one buffer (each with its length or a type tag, so different parameter lists never produce the same
/// bytes) and hashed once with XXH128. Dispose returns the buffer.
/// </summary>
public ref struct QueryKeyBuilder
{
    private byte[] _buffer;
    private int _length;
    private readonly string _operation;

    /// <summary>Starts a key for <paramref name="operation"/>.</summary>
    public QueryKeyBuilder(string operation)
    {
        _operation = operation;
        _buffer = ArrayPool<byte>.Shared.Rent(4096);
        _length = 0;
    }

    /// <summary>Adds an integer.</summary>
    public void Add(long value)
    {
        Span<byte> target = Reserve(9);
        target[0] = 1;
        BinaryPrimitives.WriteInt64LittleEndian(target[1..], value);
    }

    /// <summary>Adds a floating-point value (bit pattern).</summary>
    public void Add(double value) => Add(BitConverter.DoubleToInt64Bits(value));

    /// <summary>Adds a boolean.</summary>
    public void Add(bool value) => Add(value ? 1L : 0L);

    /// <summary>Adds a string, or null (distinct from empty).</summary>
    public void Add(string? value)
    {
        if (value is null)
        {
            Reserve(1)[0] = 2;
            return;
        }

        int max = Encoding.UTF8.GetMaxByteCount(value.Length);
        Span<byte> target = Reserve(5 + max);
        target[0] = 3;
        int written = Encoding.UTF8.GetBytes(value, target[5..]);
        BinaryPrimitives.WriteInt32LittleEndian(target[1..], written);
        _length -= max - written;
    }

    /// <summary>Adds a vector (its exact bits).</summary>
    public void Add(ReadOnlySpan<float> values)
    {
        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(values);
        Span<byte> target = Reserve(5 + bytes.Length);
        target[0] = 4;
        BinaryPrimitives.WriteInt32LittleEndian(target[1..], values.Length);
        bytes.CopyTo(target[5..]);
    }

    /// <summary>The key of everything added.</summary>
    public readonly QueryKey Build() => new(_operation, XxHash128.HashToUInt128(_buffer.AsSpan(0, _length)));

    /// <summary>Returns the buffer to the pool.</summary>
    public void Dispose()
    {
        byte[] buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private Span<byte> Reserve(int bytes)
    {
        if (_length + bytes > _buffer.Length)
        {
            byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + bytes));
            _buffer.AsSpan(0, _length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        Span<byte> span = _buffer.AsSpan(_length, bytes);
        _length += bytes;
        return span;
    }
}
