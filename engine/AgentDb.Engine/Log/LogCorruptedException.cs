namespace AgentDb.Log;

/// <summary>
/// A write-ahead log holds a damaged entry that is followed by valid entries, so it cannot be repaired by cutting a
/// torn tail. The message names the LSN that could not be read, the log address and the file.
/// </summary>
public sealed class LogCorruptedException : IOException
{
    /// <summary>Creates the exception for a damaged entry.</summary>
    /// <param name="lsn">The LSN of the first entry that could not be read (-1 when unknown).</param>
    /// <param name="address">The log address of the damaged bytes.</param>
    /// <param name="path">The log file holding the damaged bytes.</param>
    /// <param name="detail">What was found wrong.</param>
    public LogCorruptedException(long lsn, long address, string path, string detail)
        : base($"The write-ahead log is corrupt at LSN {(lsn < 0 ? "(unknown)" : lsn.ToString(System.Globalization.CultureInfo.InvariantCulture))}, address {address} in '{path}': {detail}")
    {
        Lsn = lsn;
        Address = address;
        FilePath = path;
    }

    /// <summary>The LSN of the first entry that could not be read, or -1 when it is unknown.</summary>
    public long Lsn { get; }

    /// <summary>The log address (byte position in the log's address space) of the damaged bytes.</summary>
    public long Address { get; }

    /// <summary>The log segment file that holds the damaged bytes.</summary>
    public string FilePath { get; }
}
