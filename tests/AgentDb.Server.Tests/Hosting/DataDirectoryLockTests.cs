using AgentDb.Server.Hosting;

namespace AgentDb.Server.Tests.Hosting;

public sealed class DataDirectoryLockTests
{
    [Fact]
    public void TryAcquire_CreatesLockFileWithProcessId()
    {
        using var directory = new TempDirectory();

        Assert.True(DataDirectoryLock.TryAcquire(directory.Path, out var held));
        using (held)
        {
            Assert.Equal(Path.Combine(directory.Path, "LOCK"), held.FilePath);
            Assert.True(File.Exists(held.FilePath));
        }
        Assert.Equal($"{Environment.ProcessId}\n", File.ReadAllText(Path.Combine(directory.Path, "LOCK")));
    }

    [Fact]
    public void TryAcquire_WhileHeld_ReturnsFalse()
    {
        using var directory = new TempDirectory();
        Assert.True(DataDirectoryLock.TryAcquire(directory.Path, out var first));
        using (first)
        {
            Assert.False(DataDirectoryLock.TryAcquire(directory.Path, out var second));
            Assert.Null(second);
        }
    }

    [Fact]
    public void Dispose_ReleasesTheLockAndLeavesTheFile()
    {
        using var directory = new TempDirectory();
        Assert.True(DataDirectoryLock.TryAcquire(directory.Path, out var first));
        first.Dispose();

        Assert.True(File.Exists(Path.Combine(directory.Path, DataDirectoryLock.FileName)));
        Assert.True(DataDirectoryLock.TryAcquire(directory.Path, out var second));
        second.Dispose();
    }

    [Fact]
    public void TryAcquire_MissingDirectory_Throws()
    {
        using var directory = new TempDirectory();

        Assert.Throws<DirectoryNotFoundException>(
            () => DataDirectoryLock.TryAcquire(Path.Combine(directory.Path, "missing"), out _));
    }
}
