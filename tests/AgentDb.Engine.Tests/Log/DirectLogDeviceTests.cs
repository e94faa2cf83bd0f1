using System.Runtime.InteropServices;
using AgentDb.Engine.Tests.Support;
using AgentDb.Log;
using static AgentDb.Engine.Tests.Log.WalTestHelpers;

namespace AgentDb.Engine.Tests.Log;

/// <summary>The log's segment device: direct I/O where the file system allows it, the page cache otherwise.</summary>
public sealed class DirectLogDeviceTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Entries_CrossingPagesAndSegments_ReadBackAfterAReopen(bool directIo)
    {
        // Odd-sized entries in small pages (16 KiB) and segments (256 KiB), committed every few appends: FASTER flushes
        // partial pages rounded to the device's 4 KiB sectors and rewrites their last sector on the next flush.
        using var dir = new TempDirectory();
        WriteAheadLogOptions options = Options(DurabilityMode.Sync, directIo: directIo);
        const int count = 3_000;
        using (var log = FasterLogWriteAheadLog.Open(dir.Path, options))
        {
            for (int i = 1; i <= count; i++)
            {
                long lsn = log.Append(Payload(i));
                if (i % 7 == 0 || i == count)
                {
                    log.Commit(lsn);
                }
            }

            Assert.Equal(count, ReadAll(log).Count);
        }

        Assert.True(Directory.GetFiles(dir.Path, FasterLogWriteAheadLog.SegmentFileBaseName + ".*").Length > 1, "the entries should span several segment files");
        using (var log = FasterLogWriteAheadLog.Open(dir.Path, options))
        {
            List<LogRecord> records = ReadAll(log);
            Assert.Equal(count, records.Count);
            for (int i = 0; i < count; i++)
            {
                AssertPayload(i + 1, records[i]);
            }

            log.Commit(log.Append(Payload(count + 1)));
            Assert.Equal(count + 1, log.LastLsn);
        }
    }

    [Fact]
    public void DirectIo_IsUsedWhereTheFileSystemAllowsIt_AndNeverWhenTurnedOff()
    {
        using var dir = new TempDirectory();
        bool supported = FileSystemAcceptsDirectIo(Path.Combine(dir.Path, "probe"));
        using var on = new DirectLogDevice(Path.Combine(dir.Path, "on", "wal.log"), preferDirect: true);
        using var off = new DirectLogDevice(Path.Combine(dir.Path, "off", "wal.log"), preferDirect: false);
        Assert.Equal(supported, on.IsDirect(0));
        Assert.False(off.IsDirect(0));
    }

    [Fact]
    public void AlignedAndUnalignedWrites_BothReachTheFile_AndReadBack()
    {
        // FASTER aligns every write; one that is not (buffer, offset or length) must still be written, through the page cache.
        using var dir = new TempDirectory();
        string prefix = Path.Combine(dir.Path, "wal.log");
        unsafe
        {
            byte* buffer = (byte*)NativeMemory.AlignedAlloc(3 * DirectLogDevice.Alignment, DirectLogDevice.Alignment);
            try
            {
                for (int i = 0; i < 3 * DirectLogDevice.Alignment; i++)
                {
                    buffer[i] = (byte)(i * 7);
                }

                using var device = new DirectLogDevice(prefix, preferDirect: true);
                Write(device, (IntPtr)buffer, 0, 2 * DirectLogDevice.Alignment);                       // aligned
                Write(device, (IntPtr)(buffer + 1), (2 * DirectLogDevice.Alignment) + 3, 100);         // unaligned
                byte[] file = File.ReadAllBytes(prefix + ".0");
                Assert.Equal((2 * (int)DirectLogDevice.Alignment) + 103, file.Length);
                Assert.True(new ReadOnlySpan<byte>(buffer, 2 * (int)DirectLogDevice.Alignment).SequenceEqual(file.AsSpan(0, 2 * (int)DirectLogDevice.Alignment)));
                Assert.True(new ReadOnlySpan<byte>(buffer + 1, 100).SequenceEqual(file.AsSpan((2 * (int)DirectLogDevice.Alignment) + 3, 100)));

                byte* read = buffer + (2 * DirectLogDevice.Alignment);
                (uint error, uint bytes) = Read(device, (IntPtr)read, DirectLogDevice.Alignment, DirectLogDevice.Alignment);
                Assert.Equal((0u, DirectLogDevice.Alignment), (error, bytes));
                Assert.True(file.AsSpan((int)DirectLogDevice.Alignment, (int)DirectLogDevice.Alignment).SequenceEqual(new ReadOnlySpan<byte>(read, (int)DirectLogDevice.Alignment)));
            }
            finally
            {
                NativeMemory.AlignedFree(buffer);
            }
        }
    }

    [Fact]
    public void AFailedDirectWrite_IsWrittenThroughThePageCache_AndTheSegmentStopsWritingDirectly()
    {
        // A file system that takes O_DIRECT at open but refuses the write: the bytes must still reach the file.
        using var dir = new TempDirectory();
        string prefix = Path.Combine(dir.Path, "wal.log");
        unsafe
        {
            byte* buffer = (byte*)NativeMemory.AlignedAlloc(DirectLogDevice.Alignment, DirectLogDevice.Alignment);
            try
            {
                for (int i = 0; i < DirectLogDevice.Alignment; i++)
                {
                    buffer[i] = (byte)(i * 13);
                }

                using var device = new DirectLogDevice(prefix, preferDirect: true) { FailDirectWritesForTests = true };
                bool wasDirect = device.IsDirect(0);
                Write(device, (IntPtr)buffer, DirectLogDevice.Alignment, DirectLogDevice.Alignment);
                Assert.False(device.IsDirect(0));
                byte[] file = File.ReadAllBytes(prefix + ".0");
                Assert.True(new ReadOnlySpan<byte>(buffer, (int)DirectLogDevice.Alignment).SequenceEqual(file.AsSpan((int)DirectLogDevice.Alignment)));
                Assert.Equal(FileSystemAcceptsDirectIo(Path.Combine(dir.Path, "probe")), wasDirect);
            }
            finally
            {
                NativeMemory.AlignedFree(buffer);
            }
        }
    }

    private static void Write(DirectLogDevice device, IntPtr source, ulong offset, uint length)
    {
        var done = new TaskCompletionSource<(uint, uint)>(TaskCreationOptions.RunContinuationsAsynchronously);
        device.WriteAsync(source, 0, offset, length, (error, bytes, _) => done.SetResult((error, bytes)), new object());
        Assert.True(done.Task.Wait(TimeSpan.FromSeconds(10)));
        Assert.Equal((0u, length), done.Task.Result);
    }

    private static (uint Error, uint Bytes) Read(DirectLogDevice device, IntPtr destination, ulong offset, uint length)
    {
        var done = new TaskCompletionSource<(uint, uint)>(TaskCreationOptions.RunContinuationsAsynchronously);
        device.ReadAsync(0, offset, destination, length, (error, bytes, _) => done.SetResult((error, bytes)), new object());
        Assert.True(done.Task.Wait(TimeSpan.FromSeconds(10)));
        return done.Task.Result;
    }

    /// <summary>Whether this directory's file system lets a file be opened with O_DIRECT (Linux only).</summary>
    private static bool FileSystemAcceptsDirectIo(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        int fd = Open(path, 0x1 | 0x40 | 0x4000, 0x1A4);
        if (fd < 0)
        {
            return false;
        }

        Close(fd);
        return true;
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, int mode);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);
}
