using System.Runtime.InteropServices;

namespace AgentDb.Engine.Tests.Kernels;

/// <summary>
/// Memory whose usable pages are followed by a page mapped with no access (Linux mmap + mprotect):
/// a vector placed to end exactly at the guard page turns any read past its end into a fault.
/// </summary>
internal sealed unsafe class GuardedBuffer : IDisposable
{
    private const int ProtNone = 0, ProtRead = 1, ProtWrite = 2, MapPrivate = 0x02, MapAnonymous = 0x20;
    private readonly byte* _base;
    private readonly nuint _usable;
    private readonly nuint _total;

    public GuardedBuffer(int usableBytes)
    {
        Assert.True(OperatingSystem.IsLinux(), "The guard-page test maps memory with Linux mmap.");
        nuint page = (nuint)Environment.SystemPageSize;
        _usable = ((nuint)usableBytes + page - 1) / page * page;
        _total = _usable + page;
        void* p = mmap(null, _total, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        Assert.True(p != (void*)-1, "mmap failed");
        _base = (byte*)p;
        Assert.Equal(0, mprotect(_base + _usable, page, ProtNone));
    }

    public Span<float> FloatsEndingAtGuard(int count) =>
        new(_base + _usable - ((nuint)count * sizeof(float)), count);

    public Span<sbyte> BytesEndingAtGuard(int count) =>
        new(_base + _usable - (nuint)count, count);

    public void Dispose() => _ = munmap(_base, _total);

    [DllImport("libc", SetLastError = true)]
    private static extern void* mmap(void* addr, nuint length, int prot, int flags, int fd, nint offset);

    [DllImport("libc", SetLastError = true)]
    private static extern int mprotect(void* addr, nuint len, int prot);

    [DllImport("libc", SetLastError = true)]
    private static extern int munmap(void* addr, nuint length);
}
