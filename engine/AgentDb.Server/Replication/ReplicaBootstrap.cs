namespace AgentDb.Server.Replication;

/// <summary>
/// Where a replica keeps a snapshot it downloaded from its primary (<c>DATA/bootstrap</c>, complete once renamed from
/// <c>DATA/bootstrap.tmp</c>) and how it installs it: the database directory is replaced by a restore of the snapshot
/// before the database opens. Installing is idempotent: the snapshot is deleted last, so a crash meanwhile redoes it.
/// </summary>
internal static class ReplicaBootstrap
{
    public const string CompleteDirectoryName = "bootstrap";
    public const string PartialDirectoryName = "bootstrap.tmp";

    /// <summary>Replaces <paramref name="databaseDirectory"/> with the downloaded snapshot, if there is one.</summary>
    /// <exception cref="InvalidDataException">The snapshot is not a valid backup.</exception>
    /// <exception cref="IOException">The directories could not be replaced.</exception>
    public static void InstallPending(string dataDirectory, string databaseDirectory, TextWriter log)
    {
        var partial = Path.Combine(dataDirectory, PartialDirectoryName);
        if (Directory.Exists(partial))
        {
            Directory.Delete(partial, recursive: true); // an interrupted download: the replica asks again
        }
        var snapshot = Path.Combine(dataDirectory, CompleteDirectoryName);
        if (!Directory.Exists(snapshot))
        {
            return;
        }
        if (Directory.Exists(databaseDirectory))
        {
            Directory.Delete(databaseDirectory, recursive: true);
        }
        AgentDatabase.Restore(snapshot, databaseDirectory);
        var epochs = Path.Combine(snapshot, AgentDatabase.EpochHistoryFileName);
        if (File.Exists(epochs))
        {
            File.Copy(epochs, Path.Combine(databaseDirectory, AgentDatabase.EpochHistoryFileName), overwrite: true);
        }
        Directory.Delete(snapshot, recursive: true);
        log.WriteLine($"agentdb: warning: replaced the replica's database {databaseDirectory} with a snapshot of its primary");
        ReplicaRepair.Completed(dataDirectory, log);
    }
}
