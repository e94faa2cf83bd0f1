using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using FASTER.core;
using Microsoft.Win32.SafeHandles;

namespace AgentDb.Log;

/// <summary>
/// The write-ahead log's segment files for FASTER, written with <c>O_DIRECT | O_DSYNC</c> on Linux: a flush goes from
/// FASTER's page buffer to the disk without a copy into the page cache, and each write is durable when it returns.
/// FASTER's own managed device opens its files with <c>O_SYNC</c> but without <c>O_DIRECT</c> (.NET has no such option),
/// so every log byte was copied into the page cache, allocated by ext4's delayed allocation and written back from there:
/// about a tenth of the process's CPU during bulk ingest (perf, docs/BENCHMARKS.md).
/// <para>Where a file system refuses <c>O_DIRECT</c> (tmpfs, some overlays), or off Linux, a segment is written through
/// the page cache with write-through (<c>O_SYNC</c>, as before; <see cref="IsDirect"/> false), and so is a write whose
/// buffer, offset or length is not aligned to <see cref="Alignment"/> (FASTER aligns all of them to the sector size this
/// device reports), and so, from then on, is a segment whose direct write failed (the same bytes are written again
/// through the page cache). Reads use ordinary buffered handles (the kernel keeps them coherent with direct writes). Writes and
/// reads run on the thread pool, like FASTER's managed device.</para>
/// </summary>
internal sealed class DirectLogDevice : StorageDeviceBase
{
    /// <summary>Writes are aligned to this (a multiple of every logical block size in use, and of the page size).</summary>
    public const uint Alignment = 4096;

    /// <summary>Test seam: this device's direct writes fail as a refusing file system's would.</summary>
    internal bool FailDirectWritesForTests { get; set; }

    // Linux x86-64 / arm64 open(2) flags.
    private const int OpenWriteOnly = 0x1;
    private const int OpenCreate = 0x40;
    private const int OpenDirect = 0x4000;
    private const int OpenDataSync = 0x1000;
    private const int OpenCloseOnExec = 0x80000;

    private readonly ConcurrentDictionary<int, Segment> _segments = new();
    private readonly bool _preferDirect;
    private int _pending;
    private bool _disposed;

    /// <param name="filename">The segment files' path prefix (a segment is <c>filename.N</c>).</param>
    /// <param name="preferDirect">Whether to open segments with <c>O_DIRECT</c> where the file system allows it.</param>
    public DirectLogDevice(string filename, bool preferDirect)
        : base(filename, Alignment, Devices.CAPACITY_UNSPECIFIED)
    {
        _preferDirect = preferDirect && OperatingSystem.IsLinux();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(filename))!);
        RecoverSegmentRange();
    }

    /// <summary>Whether segment <paramref name="segmentId"/>'s writes bypass the page cache (opens it for writing).</summary>
    public bool IsDirect(int segmentId) => GetSegment(segmentId).Direct;

    public override bool Throttle() => false;

    public override void WriteAsync(IntPtr sourceAddress, int segmentId, ulong destinationAddress, uint numBytesToWrite, DeviceIOCompletionCallback callback, object context)
    {
        HandleCapacity(segmentId);
        Interlocked.Increment(ref _pending);
        var io = new PendingIo(this, segmentId, sourceAddress, (long)destinationAddress, numBytesToWrite, callback, context, write: true);
        ThreadPool.UnsafeQueueUserWorkItem(io, preferLocal: false);
    }

    public override void ReadAsync(int segmentId, ulong sourceAddress, IntPtr destinationAddress, uint readLength, DeviceIOCompletionCallback callback, object context)
    {
        Interlocked.Increment(ref _pending);
        var io = new PendingIo(this, segmentId, destinationAddress, (long)sourceAddress, readLength, callback, context, write: false);
        ThreadPool.UnsafeQueueUserWorkItem(io, preferLocal: false);
    }

    public override void RemoveSegment(int segment)
    {
        if (_segments.TryRemove(segment, out Segment? removed))
        {
            removed.Dispose();
        }

        try
        {
            File.Delete(GetSegmentFilename(FileName, segment));
        }
        catch (IOException)
        {
            // as FASTER's own devices: a segment that cannot be deleted now is left behind, the log no longer needs it
        }
    }

    public override void RemoveSegmentAsync(int segment, AsyncCallback callback, IAsyncResult result)
    {
        RemoveSegment(segment);
        callback(result);
    }

    public override long GetFileSize(int segment)
    {
        if (segmentSize > 0)
        {
            return segmentSize;
        }

        string path = GetSegmentFilename(FileName, segment);
        return File.Exists(path) ? new FileInfo(path).Length : 0;
    }

    public override void Reset() => CloseSegments();

    /// <summary>Waits for the I/Os in flight (at most 10 s), then closes every segment file.</summary>
    public override void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        var wait = System.Diagnostics.Stopwatch.StartNew();
        while (Volatile.Read(ref _pending) > 0 && wait.Elapsed < TimeSpan.FromSeconds(10))
        {
            Thread.Sleep(1);
        }

        CloseSegments();
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int OpenNative([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, int mode);

    private void CloseSegments()
    {
        foreach (int id in _segments.Keys)
        {
            if (_segments.TryRemove(id, out Segment? segment))
            {
                segment.Dispose();
            }
        }
    }

    private Segment GetSegment(int segmentId) => _segments.GetOrAdd(segmentId, static (id, device) => device.OpenSegment(id), this);

    private Segment OpenSegment(int segmentId)
    {
        string path = GetSegmentFilename(FileName, segmentId);
        SafeFileHandle? direct = _preferDirect ? TryOpenDirect(path) : null;
        return new Segment(this, path, direct);
    }

    /// <summary>Opens <paramref name="path"/> for writing with <c>O_DIRECT | O_DSYNC</c>; null when the file system refuses.</summary>
    private static SafeFileHandle? TryOpenDirect(string path)
    {
        int fd = OpenNative(path, OpenWriteOnly | OpenCreate | OpenDirect | OpenDataSync | OpenCloseOnExec, 0x1A4 /* 0644 */);
        return fd < 0 ? null : new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>As FASTER's devices: the range of segment files present (a gap starts the range again).</summary>
    private void RecoverSegmentRange()
    {
        var file = new FileInfo(FileName);
        if (file.Directory is not { Exists: true } directory)
        {
            return;
        }

        var ids = new List<int>();
        foreach (FileInfo item in directory.GetFiles(file.Name + ".*"))
        {
            if (int.TryParse(item.Name.AsSpan(file.Name.Length + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int id))
            {
                ids.Add(id);
            }
        }

        ids.Sort();
        int previous = -1;
        foreach (int id in ids)
        {
            if (id != previous + 1)
            {
                startSegment = id;
            }
            else
            {
                endSegment = id;
            }

            previous = id;
        }
    }

    private unsafe void Complete(PendingIo io)
    {
        uint error = 0;
        uint done = io.Length;
        try
        {
            Segment segment = GetSegment(io.SegmentId);
            if (io.Write)
            {
                segment.Write(new ReadOnlySpan<byte>((void*)io.Buffer, (int)io.Length), io.Offset);
            }
            else
            {
                done = (uint)segment.Read(new Span<byte>((void*)io.Buffer, (int)io.Length), io.Offset);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            error = uint.MaxValue; // FASTER fails the flush (and so the commit) on any error code
            done = 0;
        }
        finally
        {
            Interlocked.Decrement(ref _pending);
        }

        io.Callback(error, done, io.Context);
    }

    /// <summary>One segment file: a direct write handle (or none), and the buffered handles opened when needed.</summary>
    private sealed class Segment : IDisposable
    {
        private readonly DirectLogDevice _device;
        private readonly string _path;
        private readonly object _gate = new();
        private readonly SafeFileHandle? _directOpened;
        private SafeFileHandle? _direct;
        private SafeFileHandle? _buffered;
        private SafeFileHandle? _read;

        public Segment(DirectLogDevice device, string path, SafeFileHandle? direct)
        {
            _device = device;
            _path = path;
            _direct = direct;
            _directOpened = direct;
        }

        public bool Direct => Volatile.Read(ref _direct) is not null;

        /// <summary>
        /// Writes through the direct handle when the write is aligned. If a direct write fails (a file system that took
        /// <c>O_DIRECT</c> at open but refuses the write), the segment stops using it and the same bytes are written
        /// through the page cache instead: a write at an offset can be repeated. A failure there is the caller's error.
        /// </summary>
        public unsafe void Write(ReadOnlySpan<byte> data, long offset)
        {
            SafeFileHandle? direct = Volatile.Read(ref _direct);
            fixed (byte* start = data)
            {
                if (direct is not null && IsAligned((ulong)start) && IsAligned((ulong)offset) && IsAligned((ulong)data.Length))
                {
                    try
                    {
                        if (_device.FailDirectWritesForTests)
                        {
                            throw new IOException("a direct write refused (test seam)");
                        }

                        RandomAccess.Write(direct, data, offset);
                        return;
                    }
                    catch (IOException)
                    {
                        Volatile.Write(ref _direct, null); // closed with the segment (_directOpened)
                    }
                }
            }

            RandomAccess.Write(Buffered(), data, offset);
        }

        public int Read(Span<byte> destination, long offset)
        {
            SafeFileHandle read;
            lock (_gate)
            {
                read = _read ??= File.OpenHandle(_path, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            }

            int total = 0;
            while (total < destination.Length)
            {
                int n = RandomAccess.Read(read, destination[total..], offset + total);
                if (n == 0)
                {
                    break; // past the end of the file: FASTER treats the rest as empty
                }

                total += n;
            }

            return total;
        }

        public void Dispose()
        {
            lock (_gate)
            {
                _directOpened?.Dispose();
                _buffered?.Dispose();
                _read?.Dispose();
            }
        }

        private static bool IsAligned(ulong value) => (value & (Alignment - 1)) == 0;

        private SafeFileHandle Buffered()
        {
            lock (_gate)
            {
                return _buffered ??= File.OpenHandle(_path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, FileOptions.WriteThrough);
            }
        }
    }

    /// <summary>A write or a read queued to the thread pool.</summary>
    private sealed class PendingIo(DirectLogDevice device, int segmentId, IntPtr buffer, long offset, uint length, DeviceIOCompletionCallback callback, object context, bool write) : IThreadPoolWorkItem
    {
        public int SegmentId { get; } = segmentId;

        public IntPtr Buffer { get; } = buffer;

        public long Offset { get; } = offset;

        public uint Length { get; } = length;

        public DeviceIOCompletionCallback Callback { get; } = callback;

        public object Context { get; } = context;

        public bool Write { get; } = write;

        public void Execute() => device.Complete(this);
    }
}
