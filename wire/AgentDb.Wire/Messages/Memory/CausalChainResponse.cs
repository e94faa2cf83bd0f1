using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>CAUSAL_CHAIN response: <c>[found: bool, edges: [WireCausalEdge...], strength: float64, truncated: bool,
/// expandedNodes: uint, certificate: Certificate|nil]</c>. <c>truncated</c>: the search ran out of its budget before
/// finding a path (one may exist).</summary>
public sealed class CausalChainResponse : IWireMessage<CausalChainResponse>
{
    private const int FieldCount = 6;

    /// <summary>Creates the response.</summary>
    public CausalChainResponse(
        bool found, IReadOnlyList<WireCausalEdge> edges, double strength, bool truncated, int expandedNodes, Certificate? certificate)
    {
        Found = found;
        Edges = edges;
        Strength = strength;
        Truncated = truncated;
        ExpandedNodes = expandedNodes;
        Certificate = certificate;
    }

    /// <summary>Whether a path was found.</summary>
    public bool Found { get; }

    /// <summary>The path's edges from cause to effect.</summary>
    public IReadOnlyList<WireCausalEdge> Edges { get; }

    /// <summary>The product of the edges' confidences (0 when none was found).</summary>
    public double Strength { get; }

    /// <summary>The budget ran out before a path was found.</summary>
    public bool Truncated { get; }

    /// <summary>How many nodes' edges were read.</summary>
    public int ExpandedNodes { get; }

    /// <summary>The certificate, when asked for.</summary>
    public Certificate? Certificate { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(FieldCount);
        writer.Write(Found);
        WireCausalEdge.WriteList(ref writer, Edges);
        writer.Write(Strength);
        writer.Write(Truncated);
        writer.Write(ExpandedNodes);
        Certificate.WriteNullable(ref writer, Certificate);
    }

    /// <inheritdoc/>
    public static CausalChainResponse Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, FieldCount, "CAUSAL_CHAIN response");
        var found = Fields.ReadBoolean(ref reader, "found");
        var edges = WireCausalEdge.ReadList(ref reader, "edges");
        var strength = MemoryFields.ReadDouble(ref reader, "strength");
        var truncated = Fields.ReadBoolean(ref reader, "truncated");
        var expanded = (int)Fields.ReadUInt32(ref reader, "expandedNodes", int.MaxValue);
        var certificate = Certificate.ReadNullable(ref reader);
        Fields.SkipExtraFields(ref reader, count, FieldCount);
        return new CausalChainResponse(found, edges, strength, truncated, expanded, certificate);
    }
}
