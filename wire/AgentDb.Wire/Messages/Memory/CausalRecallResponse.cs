using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>CAUSAL_RECALL response: <c>[items: [WireCausalRecallItem...], candidates: uint, certificate:
/// Certificate|nil]</c>, highest score first.</summary>
public sealed class CausalRecallResponse : IWireMessage<CausalRecallResponse>
{
    /// <summary>Creates the response.</summary>
    public CausalRecallResponse(IReadOnlyList<WireCausalRecallItem> items, int candidates, Certificate? certificate)
    {
        Items = items;
        Candidates = candidates;
        Certificate = certificate;
    }

    /// <summary>The memories, highest score first.</summary>
    public IReadOnlyList<WireCausalRecallItem> Items { get; }

    /// <summary>How many nearest episodes were scored.</summary>
    public int Candidates { get; }

    /// <summary>The certificate, when asked for.</summary>
    public Certificate? Certificate { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(3);
        writer.WriteArrayHeader(Items.Count);
        for (var i = 0; i < Items.Count; i++)
        {
            Items[i].Write(ref writer);
        }
        writer.Write(Candidates);
        Certificate.WriteNullable(ref writer, Certificate);
    }

    /// <inheritdoc/>
    public static CausalRecallResponse Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 3, "CAUSAL_RECALL response");
        var entries = Fields.ReadListCount(ref reader, "items", MemoryWireLimits.MaxK);
        var items = new WireCausalRecallItem[entries];
        for (var i = 0; i < entries; i++)
        {
            items[i] = WireCausalRecallItem.Read(ref reader);
        }
        var candidates = (int)Fields.ReadUInt32(ref reader, "candidates", int.MaxValue);
        var certificate = Certificate.ReadNullable(ref reader);
        Fields.SkipExtraFields(ref reader, count, 3);
        return new CausalRecallResponse(items, candidates, certificate);
    }
}
