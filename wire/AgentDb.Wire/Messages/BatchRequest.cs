using MessagePack;

namespace AgentDb.Wire.Messages;

/// <summary>BATCH request: <c>[collection: str, operations: [BatchOperation...]]</c>, applied in order as one write:
/// all or none.</summary>
public sealed class BatchRequest : IWireMessage<BatchRequest>
{
    /// <summary>Creates the request.</summary>
    public BatchRequest(string collection, IReadOnlyList<BatchOperation> operations)
    {
        Collection = collection;
        Operations = operations;
    }

    /// <summary>The collection every operation applies to.</summary>
    public string Collection { get; }

    /// <summary>The operations, in order.</summary>
    public IReadOnlyList<BatchOperation> Operations { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(2);
        writer.Write(Collection);
        writer.WriteArrayHeader(Operations.Count);
        for (var i = 0; i < Operations.Count; i++)
        {
            Operations[i].Write(ref writer);
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
        Fields.SkipExtraFields(ref reader, count, 2);
        return new BatchRequest(collection, operations);
    }
}
