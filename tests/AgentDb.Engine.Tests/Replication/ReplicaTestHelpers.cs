using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using AgentDb.Log;

namespace AgentDb.Engine.Tests.Replication;

internal static class ReplicaTestHelpers
{
    public static AgentDatabaseOptions ReplicaOptions() => new()
    {
        Durability = DurabilityMode.Group,
        LogPageSizeBits = 20,
        LogMemorySizeBits = 22,
        MaxPayloadBytes = 64 * 1024,
        Role = DatabaseRole.Replica,
    };

    /// <summary>Every committed entry of <paramref name="source"/> from <paramref name="fromLsn"/> on.</summary>
    public static async Task<List<LogRecord>> ReadAll(AgentDatabase source, long fromLsn = 1)
    {
        var records = new List<LogRecord>();
        await foreach (LogRecord record in source.ReadLog(fromLsn))
        {
            records.Add(record);
        }

        return records;
    }

    /// <summary>
    /// SHA-256 over every collection (by name: dimension, metric, count) and every record in id order: id, payload,
    /// vector, timestamps and the LSN that wrote it.
    /// </summary>
    public static string Digest(AgentDatabase database)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var collections = database.ListCollections().OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
        foreach (CollectionInfo collection in collections)
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"{collection.Name}|{collection.Dimension}|{collection.Metric}|{collection.RecordCount}|{collection.CreatedUnixMs}\n"));
            foreach (StoredRecord record in database.ScanRange(collection.Name, null, null, 100_000))
            {
                hash.AppendData(Encoding.UTF8.GetBytes($"{record.Id}|{record.CreatedUnixMs}|{record.UpdatedUnixMs}|{record.Lsn}|"));
                hash.AppendData(record.Payload);
                if (record.Vector is not null)
                {
                    hash.AppendData(MemoryMarshal.AsBytes(record.Vector.AsSpan()));
                }
            }
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }
}
