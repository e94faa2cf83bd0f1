using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>A request naming one record: <c>[id: str]</c>. EPISODE_GET (episode id), SKILL_GET (skill name),
/// GRAPH_NODE_GET/DELETE (node id), GRAPH_EDGE_GET/DELETE (edge id).</summary>
public sealed class MemoryIdRequest : IWireMessage<MemoryIdRequest>
{
    /// <summary>Creates the request.</summary>
    public MemoryIdRequest(string id) => Id = id;

    /// <summary>The id or name, 1–512 UTF-8 bytes.</summary>
    public string Id { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(1);
        writer.Write(Id);
    }

    /// <inheritdoc/>
    public static MemoryIdRequest Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 1, "id request");
        var id = Fields.ReadString(ref reader, WireLimits.MaxIdBytes, "id");
        Fields.SkipExtraFields(ref reader, count, 1);
        return new MemoryIdRequest(id);
    }
}
