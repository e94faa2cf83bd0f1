using MessagePack;

namespace AgentDb.Wire.Messages;

/// <summary>DELETE request: <c>[collection: str, id: str, w?: uint]</c>; <c>w</c> as in UPSERT (<see cref="UpsertRequest.Replicas"/>).</summary>
public sealed class DeleteRequest : IWireMessage<DeleteRequest>
{
    /// <summary>Creates the request.</summary>
    /// <param name="collection">The collection.</param>
    /// <param name="id">The record id.</param>
    /// <param name="replicas">Replicas that must have applied the write before the answer (0–<see cref="WireLimits.MaxReplicas"/>; 0: the server's mode).</param>
    public DeleteRequest(string collection, string id, int replicas = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(replicas);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(replicas, WireLimits.MaxReplicas);
        Replicas = replicas;
        Collection = collection;
        Id = id;
    }

    /// <summary>The collection.</summary>
    public string Collection { get; }

    /// <summary>The record id.</summary>
    public string Id { get; }

    /// <summary>The <c>w</c> field: replicas that must have applied the write before the answer; 0 for the server's mode.</summary>
    public int Replicas { get; }

    /// <summary>Where <c>w</c> is in the body's array (<see cref="OptionalFields"/>).</summary>
    public const int ReplicasField = 2;

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(Replicas == 0 ? 2 : 3);
        writer.Write(Collection);
        writer.Write(Id);
        if (Replicas != 0)
        {
            writer.Write((uint)Replicas);
        }
    }

    /// <inheritdoc/>
    public static DeleteRequest Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 2, "DELETE");
        var collection = Fields.ReadString(ref reader, WireLimits.MaxNameBytes, "collection");
        var id = Fields.ReadString(ref reader, WireLimits.MaxIdBytes, "id");
        var replicas = count > ReplicasField ? (int)Fields.ReadUInt32(ref reader, "w", WireLimits.MaxReplicas) : 0;
        Fields.SkipExtraFields(ref reader, count, ReplicasField + 1);
        return new DeleteRequest(collection, id, replicas);
    }
}
