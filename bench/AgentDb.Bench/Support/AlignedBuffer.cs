using System.Runtime.InteropServices;

namespace AgentDb.Bench.Support;

/// <summary>
/// Native memory at a chosen offset from a 64-byte boundary, so that every benchmark process sees the same
/// alignment (managed arrays land at whatever alignment the GC gives, which swings 512-bit timings run to run).
/// </summary>
public sealed unsafe class AlignedBuffer<T> : IDisposable
    where T : unmanaged
{
    private readonly void* _block;
    private readonly T* _start;

    /// <summary>Allocates <paramref name="length"/> elements starting <paramref name="misalignBytes"/> past a 64-byte boundary.</summary>
    public AlignedBuffer(int length, int misalignBytes = 0)
    {
        Length = length;
        _block = NativeMemory.AlignedAlloc((nuint)((length * sizeof(T)) + 64 + misalignBytes), 64);
        _start = (T*)((byte*)_block + misalignBytes);
        Span.Clear();
    }

    /// <summary>The number of elements.</summary>
    public int Length { get; }

    /// <summary>The elements.</summary>
    public Span<T> Span => new(_start, Length);

    /// <inheritdoc />
    public void Dispose() => NativeMemory.AlignedFree(_block);
}
