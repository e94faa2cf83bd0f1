using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>EPISODE_STORE and MEMORY_BATCH response: <c>[ids: [str|nil]]</c>, one per stored item in request order
/// (nil for a batch operation that has no id).</summary>
public sealed class MemoryIdListResponse : IWireMessage<MemoryIdListResponse>
{
    /// <summary>Creates the response.</summary>
    public MemoryIdListResponse(IReadOnlyList<string?> ids) => Ids = ids;

    /// <summary>The ids, in request order.</summary>
    public IReadOnlyList<string?> Ids { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(1);
        writer.WriteArrayHeader(Ids.Count);
        for (var i = 0; i < Ids.Count; i++)
        {
            Fields.WriteNullableString(ref writer, Ids[i]);
        }
    }

    /// <inheritdoc/>
    public static MemoryIdListResponse Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 1, "id list response");
        var entries = Fields.ReadListCount(ref reader, "ids", MemoryWireLimits.MaxItems);
        var ids = new string?[entries];
        for (var i = 0; i < entries; i++)
        {
            ids[i] = Fields.ReadNullableString(ref reader, WireLimits.MaxIdBytes, "ids");
        }
        Fields.SkipExtraFields(ref reader, count, 1);
        return new MemoryIdListResponse(ids);
    }
}
