using MessagePack;

namespace AgentDb.Wire.Messages;

/// <summary>One entry of a BATCH: <c>[kind: uint, id: str, vector: bin|nil, payload: map|nil]</c>.</summary>
public sealed class BatchOperation
{
    /// <summary>Creates an entry; a delete carries no vector or payload.</summary>
    public BatchOperation(BatchOperationKind kind, string id, ReadOnlyMemory<float> vector, ReadOnlyMemory<byte> payload)
    {
        Kind = kind;
        Id = id;
        Vector = vector;
        Payload = payload;
    }

    /// <summary>Upsert or delete.</summary>
    public BatchOperationKind Kind { get; }

    /// <summary>The record id.</summary>
    public string Id { get; }

    /// <summary>The vector for an upsert; empty for none.</summary>
    public ReadOnlyMemory<float> Vector { get; }

    /// <summary>The payload map for an upsert; empty for none.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    internal void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(4);
        writer.Write((byte)Kind);
        writer.Write(Id);
        Fields.WriteVector(ref writer, Vector);
        Fields.WriteRawMap(ref writer, Payload, "payload");
    }

    internal static BatchOperation Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 4, "batch operation");
        var kind = Fields.ReadUInt32(ref reader, "operation.kind", byte.MaxValue);
        if (kind > (uint)BatchOperationKind.Delete)
        {
            throw new WireFormatException($"operation.kind {kind} is not 0 (upsert) or 1 (delete)");
        }
        var id = Fields.ReadString(ref reader, WireLimits.MaxIdBytes, "operation.id");
        var vector = Fields.ReadVector(ref reader, "operation.vector", allowNil: true);
        var payload = Fields.ReadRawMap(ref reader, "operation.payload");
        Fields.SkipExtraFields(ref reader, count, 4);
        return new BatchOperation((BatchOperationKind)kind, id, vector, payload);
    }
}
