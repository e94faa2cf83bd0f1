using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>MEMORY_BATCH request: <c>[operations: [MemoryBatchOperation...]]</c>, 1 to
/// <see cref="MemoryWireLimits.MaxItems"/>, executed as ONE atomic write: all or none. The response
/// (<see cref="MemoryIdListResponse"/>) gives each operation's id (nil for those without one). A batch whose operations
/// land in different stores (functional or session shards) is BAD_REQUEST and writes nothing.</summary>
public sealed class MemoryBatchRequest : IWireMessage<MemoryBatchRequest>
{
    /// <summary>Creates the request.</summary>
    public MemoryBatchRequest(IReadOnlyList<MemoryBatchOperation> operations) => Operations = operations;

    /// <summary>The operations, in order.</summary>
    public IReadOnlyList<MemoryBatchOperation> Operations { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(1);
        writer.WriteArrayHeader(Operations.Count);
        for (var i = 0; i < Operations.Count; i++)
        {
            Operations[i].Write(ref writer);
        }
    }

    /// <inheritdoc/>
    public static MemoryBatchRequest Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 1, "MEMORY_BATCH");
        var entries = Fields.ReadListCount(ref reader, "operations", MemoryWireLimits.MaxItems);
        if (entries == 0)
        {
            throw new WireFormatException("operations must not be empty");
        }
        var operations = new MemoryBatchOperation[entries];
        for (var i = 0; i < entries; i++)
        {
            operations[i] = MemoryBatchOperation.Read(ref reader);
        }
        Fields.SkipExtraFields(ref reader, count, 1);
        return new MemoryBatchRequest(operations);
    }
}
