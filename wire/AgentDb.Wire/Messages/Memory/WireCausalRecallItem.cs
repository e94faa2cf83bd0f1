using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>One memory a causal recall returned: <c>[memoryId: str, shard: uint, payload: map|nil, similarity: float64,
/// uplift: float64, score: float64, supportingEdge: WireCausalEdge|nil]</c>. The payload is the episode's stored
/// MessagePack map.</summary>
public sealed class WireCausalRecallItem
{
    /// <summary>Creates an item.</summary>
    public WireCausalRecallItem(
        string memoryId, int shard, ReadOnlyMemory<byte> payload, double similarity, double uplift, double score, WireCausalEdge? supportingEdge)
    {
        MemoryId = memoryId;
        Shard = shard;
        Payload = payload;
        Similarity = similarity;
        Uplift = uplift;
        Score = score;
        SupportingEdge = supportingEdge;
    }

    /// <summary>The episode's id.</summary>
    public string MemoryId { get; }

    /// <summary>The reflexion shard that holds it.</summary>
    public int Shard { get; }

    /// <summary>The episode's stored payload (one MessagePack map), or empty.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>1 − cosine distance to the query.</summary>
    public double Similarity { get; }

    /// <summary>The largest uplift among the memory's qualifying outgoing edges; 0 when none.</summary>
    public double Uplift { get; }

    /// <summary>α · similarity + β · uplift.</summary>
    public double Score { get; }

    /// <summary>The edge that gave the uplift, or null.</summary>
    public WireCausalEdge? SupportingEdge { get; }

    internal void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(7);
        writer.Write(MemoryId);
        writer.Write(Shard);
        Fields.WriteRawMap(ref writer, Payload, "payload");
        writer.Write(Similarity);
        writer.Write(Uplift);
        writer.Write(Score);
        if (SupportingEdge is null)
        {
            writer.WriteNil();
        }
        else
        {
            SupportingEdge.Write(ref writer);
        }
    }

    internal static WireCausalRecallItem Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 7, "recall item");
        var id = Fields.ReadString(ref reader, WireLimits.MaxIdBytes, "item.memoryId");
        var shard = (int)Fields.ReadUInt32(ref reader, "item.shard", int.MaxValue);
        var payload = Fields.ReadRawMap(ref reader, "item.payload");
        var similarity = MemoryFields.ReadDouble(ref reader, "item.similarity");
        var uplift = MemoryFields.ReadDouble(ref reader, "item.uplift");
        var score = MemoryFields.ReadDouble(ref reader, "item.score");
        var edge = reader.TryReadNil() ? null : WireCausalEdge.Read(ref reader);
        Fields.SkipExtraFields(ref reader, count, 7);
        return new WireCausalRecallItem(id, shard, payload, similarity, uplift, score, edge);
    }
}
