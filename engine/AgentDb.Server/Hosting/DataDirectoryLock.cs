using System.Diagnostics.CodeAnalysis;

namespace AgentDb.Server.Hosting;

/// <summary>
/// Exclusive ownership of a data directory, held as the file <c>DIR/LOCK</c> opened with <see cref="FileShare.None"/>
/// (an OS lock: <c>flock</c> on Unix, a share mode on Windows), so it is released when the process ends, however it
/// ends. The file itself stays behind and carries the holder's process id, for people only.
/// </summary>
internal sealed class DataDirectoryLock : IDisposable
{
    /// <summary>The name of the lock file inside the data directory.</summary>
    public const string FileName = "LOCK";

    // Linux and macOS report a held flock as EWOULDBLOCK (raw errno as HResult); Windows as a sharing or lock violation.
    private const int LinuxWouldBlock = 11;
    private const int MacOSWouldBlock = 35;
    private const int WindowsSharingViolation = unchecked((int)0x80070020);
    private const int WindowsLockViolation = unchecked((int)0x80070021);

    private readonly FileStream _file;

    private DataDirectoryLock(FileStream file) => _file = file;

    /// <summary>The full path of the lock file.</summary>
    public string FilePath => _file.Name;

    /// <summary>Takes the lock on an existing directory.</summary>
    /// <param name="directory">The data directory; must exist.</param>
    /// <param name="held">The lock when this returns true; dispose it to release.</param>
    /// <returns>False when another process (or another open handle) holds the lock.</returns>
    /// <exception cref="IOException">The lock file could not be opened for another reason.</exception>
    /// <exception cref="UnauthorizedAccessException">The lock file may not be opened for writing.</exception>
    public static bool TryAcquire(string directory, [NotNullWhen(true)] out DataDirectoryLock? held)
    {
        held = null;
        FileStream file;
        try
        {
            // OpenOrCreate, not Create: truncating before the lock is taken would wipe the holder's pid.
            file = new FileStream(
                Path.Combine(directory, FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (IsHeldElsewhere(e))
        {
            return false;
        }

        try
        {
            file.SetLength(0);
            var pid = System.Text.Encoding.ASCII.GetBytes($"{Environment.ProcessId}\n");
            file.Write(pid);
            file.Flush();
        }
        catch
        {
            file.Dispose();
            throw;
        }
        held = new DataDirectoryLock(file);
        return true;
    }

    /// <summary>Releases the lock. The file is left in place.</summary>
    public void Dispose() => _file.Dispose();

    private static bool IsHeldElsewhere(IOException e) =>
        e.GetType() == typeof(IOException)
        && e.HResult is LinuxWouldBlock or MacOSWouldBlock or WindowsSharingViolation or WindowsLockViolation;
}
