using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>A response naming the record written: <c>[id: str]</c>. CAUSAL_ADD_EDGE (edge id), GRAPH_NODE_ADD/UPSERT
/// (node id), GRAPH_EDGE_ADD (edge id).</summary>
public sealed class MemoryIdResponse : IWireMessage<MemoryIdResponse>
{
    /// <summary>Creates the response.</summary>
    public MemoryIdResponse(string id) => Id = id;

    /// <summary>The id.</summary>
    public string Id { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(1);
        writer.Write(Id);
    }

    /// <inheritdoc/>
    public static MemoryIdResponse Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 1, "id response");
        var id = Fields.ReadString(ref reader, WireLimits.MaxIdBytes, "id");
        Fields.SkipExtraFields(ref reader, count, 1);
        return new MemoryIdResponse(id);
    }
}
