namespace AgentDb;

/// <summary>
/// The database's <c>LOCK</c> file, held open with <see cref="FileShare.None"/> for the database's lifetime (an advisory
/// <c>flock</c> on Unix), so a second instance, in this process or another, fails fast.
/// </summary>
internal sealed class DirectoryLock : IDisposable
{
    public const string FileName = "LOCK";

    private readonly FileStream _stream;

    private DirectoryLock(FileStream stream)
    {
        _stream = stream;
    }

    /// <exception cref="DatabaseLockedException">The lock is held elsewhere.</exception>
    public static DirectoryLock Acquire(string directory)
    {
        try
        {
            return new DirectoryLock(new FileStream(Path.Combine(directory, FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException exception) when (exception is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new DatabaseLockedException(directory, exception);
        }
    }

    public void Dispose() => _stream.Dispose();
}
