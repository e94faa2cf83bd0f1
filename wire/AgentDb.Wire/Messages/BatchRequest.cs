using MessagePack;

namespace AgentDb.Wire.Messages;

/// <summary>BATCH request: <c>[collection: str, operations: [BatchOperation...], w?: uint]</c>, applied in order as one write:
/// all or none; <c>w</c> as in UPSERT (<see cref="UpsertRequest.Replicas"/>).</summary>
public sealed class BatchRequest : IWireMessage<BatchRequest>
{
    /// <summary>Creates the request.</summary>
    /// <param name="collection">The collection every operation applies to.</param>
    /// <param name="operations">The operations, in order.</param>
    /// <param name="replicas">Replicas that must have applied the write before the answer (0–<see cref="WireLimits.MaxReplicas"/>; 0: the server's mode).</param>
    public BatchRequest(string collection, IReadOnlyList<BatchOperation> operations, int replicas = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(replicas);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(replicas, WireLimits.MaxReplicas);
        Replicas = replicas;
        Collection = collection;
        Operations = operations;
    }

    /// <summary>The collection every operation applies to.</summary>
    public string Collection { get; }

    /// <summary>The operations, in order.</summary>
    public IReadOnlyList<BatchOperation> Operations { get; }

    /// <summary>The <c>w</c> field: replicas that must have applied the write before the answer; 0 for the server's mode.</summary>
    public int Replicas { get; }

    /// <summary>Where <c>w</c> is in the body's array (<see cref="OptionalFields"/>).</summary>
    public const int ReplicasField = 2;

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(Replicas == 0 ? 2 : 3);
        writer.Write(Collection);
        writer.WriteArrayHeader(Operations.Count);
        for (var i = 0; i < Operations.Count; i++)
        {
            Operations[i].Write(ref writer);
        }
        if (Replicas != 0)
        {
            writer.Write((uint)Replicas);
        }
    }

    /// <inheritdoc/>
    public static BatchRequest Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 2, "BATCH");
        var collection = Fields.ReadString(ref reader, WireLimits.MaxNameBytes, "collection");
        var entries = Fields.ReadListCount(ref reader, "operations");
        var operations = new BatchOperation[entries];
        for (var i = 0; i < entries; i++)
        {
            operations[i] = BatchOperation.Read(ref reader);
        }
        var replicas = count > ReplicasField ? (int)Fields.ReadUInt32(ref reader, "w", WireLimits.MaxReplicas) : 0;
        Fields.SkipExtraFields(ref reader, count, ReplicasField + 1);
        return new BatchRequest(collection, operations, replicas);
    }
}
