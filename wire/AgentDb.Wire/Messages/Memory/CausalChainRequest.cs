using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>CAUSAL_CHAIN request: <c>[from: str, to: str, maxDepth: uint, minConfidence: float64, minUplift: float64,
/// maxExpandedNodes: uint, withCertificate: bool]</c>: the strongest chain (product of confidences) of at most
/// <c>maxDepth</c> edges (1–16) from cause to effect, reading at most <c>maxExpandedNodes</c> nodes' edges.</summary>
public sealed class CausalChainRequest : IWireMessage<CausalChainRequest>
{
    private const int FieldCount = 7;

    /// <summary>Creates the request.</summary>
    public CausalChainRequest(
        string from, string to, int maxDepth = 4, double minConfidence = 0, double minUplift = double.NegativeInfinity,
        int maxExpandedNodes = 10_000, bool withCertificate = false)
    {
        From = from;
        To = to;
        MaxDepth = maxDepth;
        MinConfidence = minConfidence;
        MinUplift = minUplift;
        MaxExpandedNodes = maxExpandedNodes;
        WithCertificate = withCertificate;
    }

    /// <summary>The cause.</summary>
    public string From { get; }

    /// <summary>The effect.</summary>
    public string To { get; }

    /// <summary>Most edges on the path, 1–16.</summary>
    public int MaxDepth { get; }

    /// <summary>Follow only edges with at least this confidence.</summary>
    public double MinConfidence { get; }

    /// <summary>Follow only edges with at least this uplift (−∞: all).</summary>
    public double MinUplift { get; }

    /// <summary>Most nodes whose edges are read.</summary>
    public int MaxExpandedNodes { get; }

    /// <summary>Return a certificate over the path's edge records.</summary>
    public bool WithCertificate { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(FieldCount);
        writer.Write(From);
        writer.Write(To);
        writer.Write(MaxDepth);
        writer.Write(MinConfidence);
        writer.Write(MinUplift);
        writer.Write(MaxExpandedNodes);
        writer.Write(WithCertificate);
    }

    /// <inheritdoc/>
    public static CausalChainRequest Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, FieldCount, "CAUSAL_CHAIN");
        var from = Fields.ReadString(ref reader, WireLimits.MaxIdBytes, "from");
        var to = Fields.ReadString(ref reader, WireLimits.MaxIdBytes, "to");
        var maxDepth = MemoryFields.ReadInt32(ref reader, "maxDepth", 1, MemoryWireLimits.MaxChainDepth);
        var minConfidence = MemoryFields.ReadFiniteDouble(ref reader, "minConfidence");
        var minUplift = MemoryFields.ReadBound(ref reader, "minUplift");
        var maxExpanded = MemoryFields.ReadInt32(ref reader, "maxExpandedNodes", 1, MemoryWireLimits.MaxExpandedNodes);
        var withCertificate = Fields.ReadBoolean(ref reader, "withCertificate");
        Fields.SkipExtraFields(ref reader, count, FieldCount);
        return new CausalChainRequest(from, to, maxDepth, minConfidence, minUplift, maxExpanded, withCertificate);
    }
}
