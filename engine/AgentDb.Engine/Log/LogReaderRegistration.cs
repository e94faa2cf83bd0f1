namespace AgentDb.Log;

/// <summary>
/// A reader's claim on the log from <see cref="Position"/> on: <see cref="IWriteAheadLog.TruncateBelow"/> keeps every
/// entry at or above it. Dispose to release the claim.
/// </summary>
public sealed class LogReaderRegistration : IDisposable
{
    private readonly Action<LogReaderRegistration> _release;
    private long _position;
    private int _disposed;

    internal LogReaderRegistration(string name, long position, Action<LogReaderRegistration> release)
    {
        Name = name;
        _position = position;
        _release = release;
    }

    /// <summary>The name the reader registered under.</summary>
    public string Name { get; }

    /// <summary>The lowest LSN this reader still needs.</summary>
    public long Position => Volatile.Read(ref _position);

    /// <summary>Moves the reader's position forward to <paramref name="lsn"/> (a lower value is ignored).</summary>
    /// <exception cref="ObjectDisposedException">The registration was disposed.</exception>
    public void Advance(long lsn)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        long current = Volatile.Read(ref _position);
        while (lsn > current)
        {
            long seen = Interlocked.CompareExchange(ref _position, lsn, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>Releases the claim; truncation may then pass this reader's position.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _release(this);
        }
    }
}
