using System.Runtime.InteropServices;

namespace AgentDb.Failover;

/// <summary>The libc calls needed to flush a directory on Linux (.NET cannot open a directory as a file).</summary>
internal static class NativeMethods
{
    /// <summary>O_RDONLY (a directory opens read-only without O_DIRECTORY, whose value differs between architectures).</summary>
    public const int ReadOnly = 0;

    [DllImport("libc", EntryPoint = "open", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    public static extern int Open(string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    public static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    public static extern int Close(int fd);
}
