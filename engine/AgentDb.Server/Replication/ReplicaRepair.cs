using System.Globalization;
using AgentDb.Index.Segments;
using AgentDb.Log;
using RocksDbSharp;

namespace AgentDb.Server.Replication;

/// <summary>
/// Repair of a replica whose data is found corrupt when its database opens: checksummed log entries (a damaged entry
/// before the tail, <see cref="LogCorruptedException"/>), RocksDB's block and file checksums (a <see cref="RocksDbException"/>
/// reporting <c>Corruption</c>: the engine reads every record's vector on open), index segment checksums
/// (<see cref="SegmentCorruptedException"/>; a damaged segment at open is normally rebuilt from the records by the
/// engine itself), malformed engine files (<see cref="InvalidDataException"/>), and a log that ends below the records'
/// applied LSN (<see cref="LogBehindRecordsException"/>: a replica makes entries visible before its own log commit, and a
/// crash after the record store flushed them loses them from the log only; such a log has a hole and must not be served). A replica — a member that is not the
/// primary and has a primary to follow — does not refuse to start: its <c>DIR/db</c> is moved aside to
/// <c>DIR/db.corrupt</c> (replacing an earlier one; kept for inspection), a marker <c>DIR/resync-required</c> is written,
/// and it starts on an empty database that first downloads a full snapshot of the primary (the bootstrap path); the
/// marker goes when the snapshot is installed, and until then a cluster member refuses to become primary. Every repair
/// is logged with what was corrupt and counted (<see cref="Repairs"/>: STATS <c>replication.repairs</c>, /metrics
/// <c>agentdb_replication_corruption_repairs_total</c>, since the process started). A primary or a standalone server
/// has nothing to resync from and keeps refusing to start, naming what is corrupt (<see cref="Describe"/>).
/// </summary>
internal static class ReplicaRepair
{
    /// <summary>Present while a replica's data was found corrupt and no snapshot of the primary is installed yet.</summary>
    public const string MarkerFileName = "resync-required";

    /// <summary>Where a corrupt database directory is moved (inside the data directory).</summary>
    public const string QuarantineDirectoryName = "db.corrupt";

    private static long s_repairs;

    /// <summary>Corrupt databases moved aside by this process.</summary>
    public static long Repairs => Interlocked.Read(ref s_repairs);

    /// <summary>What is corrupt, when <paramref name="error"/> (from opening a database) reports damaged data; else null.</summary>
    public static string? Describe(Exception error) => error switch
    {
        LogCorruptedException log => $"write-ahead log {log.FilePath} at LSN {log.Lsn}: {log.Message}",
        LogBehindRecordsException hole => $"write-ahead log ends at LSN {hole.LastLogEntryLsn}, below the records' applied LSN {hole.AppliedLsn} (entries made visible were lost from the log before their commit)",
        SegmentCorruptedException segment => $"index segment: {segment.Message}",
        RocksDbException rocks when rocks.Message.Contains("Corruption", StringComparison.OrdinalIgnoreCase) => $"record store (RocksDB): {rocks.Message}",
        InvalidDataException data => $"engine file: {data.Message}",
        _ => null,
    };

    /// <summary>True while <paramref name="dataDirectory"/> holds a replica that must resync from a snapshot first.</summary>
    public static bool IsResyncRequired(string dataDirectory) => File.Exists(Path.Combine(dataDirectory, MarkerFileName));

    /// <summary>
    /// Writes the resync marker (saying what was corrupt), then moves <paramref name="databaseDirectory"/> to
    /// <c>DIR/db.corrupt</c>; counts and logs the repair.
    /// </summary>
    /// <exception cref="IOException">The marker cannot be written or the directory cannot be moved.</exception>
    public static void Quarantine(string dataDirectory, string databaseDirectory, string damage, TextWriter log)
    {
        var marker = Path.Combine(dataDirectory, MarkerFileName);
        using (var stream = new FileStream(marker, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.WriteThrough))
        {
            stream.Write(System.Text.Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:O} {damage}\n")));
            stream.Flush(flushToDisk: true);
        }
        var quarantine = Path.Combine(dataDirectory, QuarantineDirectoryName);
        if (Directory.Exists(quarantine))
        {
            Directory.Delete(quarantine, recursive: true);
        }
        if (Directory.Exists(databaseDirectory))
        {
            Directory.Move(databaseDirectory, quarantine);
        }
        var count = Interlocked.Increment(ref s_repairs);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"agentdb: warning: replica data corrupt ({damage}); moved {databaseDirectory} to {quarantine} and resyncing fully from a snapshot of the primary (repair {count})"));
    }

    /// <summary>Removes the marker once a snapshot of the primary is installed.</summary>
    public static void Completed(string dataDirectory, TextWriter log)
    {
        var marker = Path.Combine(dataDirectory, MarkerFileName);
        if (File.Exists(marker))
        {
            File.Delete(marker);
            log.WriteLine("agentdb: replica resynced from a snapshot of the primary after its data was found corrupt");
        }
    }
}
