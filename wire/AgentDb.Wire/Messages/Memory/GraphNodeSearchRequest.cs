using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>GRAPH_NODE_SEARCH request: <c>[text: str|nil, vector: bin|nil, k: uint, filter: WireNodeFilter,
/// withCertificate: bool]</c>: the k nodes with embeddings nearest the query that pass the filter; exactly one of text
/// and vector.</summary>
public sealed class GraphNodeSearchRequest : IWireMessage<GraphNodeSearchRequest>
{
    /// <summary>Creates the request.</summary>
    public GraphNodeSearchRequest(string? text, ReadOnlyMemory<float> vector, int k = 10, WireNodeFilter? filter = null, bool withCertificate = false)
    {
        Text = text;
        Vector = vector;
        K = k;
        Filter = filter ?? WireNodeFilter.Any;
        WithCertificate = withCertificate;
    }

    /// <summary>The query text, or null.</summary>
    public string? Text { get; }

    /// <summary>The query vector, or empty.</summary>
    public ReadOnlyMemory<float> Vector { get; }

    /// <summary>How many nodes, 1–10,000.</summary>
    public int K { get; }

    /// <summary>Conditions the nodes must meet.</summary>
    public WireNodeFilter Filter { get; }

    /// <summary>Return a certificate over the returned nodes.</summary>
    public bool WithCertificate { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(5);
        Fields.WriteNullableString(ref writer, Text);
        Fields.WriteVector(ref writer, Vector);
        writer.Write(K);
        Filter.Write(ref writer);
        writer.Write(WithCertificate);
    }

    /// <inheritdoc/>
    public static GraphNodeSearchRequest Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 5, "GRAPH_NODE_SEARCH");
        var (text, vector) = MemoryFields.ReadTextOrVector(ref reader, "text", "vector");
        var k = MemoryFields.ReadInt32(ref reader, "k", 1, MemoryWireLimits.MaxK);
        var filter = WireNodeFilter.Read(ref reader, "filter");
        var withCertificate = Fields.ReadBoolean(ref reader, "withCertificate");
        Fields.SkipExtraFields(ref reader, count, 5);
        return new GraphNodeSearchRequest(text, vector, k, filter, withCertificate);
    }
}
