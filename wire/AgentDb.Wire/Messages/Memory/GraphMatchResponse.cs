using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>GRAPH_MATCH response: <c>[matches: [WirePatternMatch...], truncated: bool, visited: uint, certificate:
/// Certificate|nil]</c>.</summary>
public sealed class GraphMatchResponse : IWireMessage<GraphMatchResponse>
{
    /// <summary>Creates the response.</summary>
    public GraphMatchResponse(IReadOnlyList<WirePatternMatch> matches, bool truncated, int visited, Certificate? certificate)
    {
        Matches = matches;
        Truncated = truncated;
        Visited = visited;
        Certificate = certificate;
    }

    /// <summary>The matches.</summary>
    public IReadOnlyList<WirePatternMatch> Matches { get; }

    /// <summary>A further match existed beyond the limit, or a budget ran out with work left.</summary>
    public bool Truncated { get; }

    /// <summary>Nodes examined.</summary>
    public int Visited { get; }

    /// <summary>The certificate, when asked for.</summary>
    public Certificate? Certificate { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(4);
        writer.WriteArrayHeader(Matches.Count);
        for (var i = 0; i < Matches.Count; i++)
        {
            Matches[i].Write(ref writer);
        }
        writer.Write(Truncated);
        writer.Write(Visited);
        Certificate.WriteNullable(ref writer, Certificate);
    }

    /// <inheritdoc/>
    public static GraphMatchResponse Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 4, "GRAPH_MATCH response");
        var entries = Fields.ReadListCount(ref reader, "matches", MemoryWireLimits.MaxResults);
        var matches = new WirePatternMatch[entries];
        for (var i = 0; i < entries; i++)
        {
            matches[i] = WirePatternMatch.Read(ref reader);
        }
        var truncated = Fields.ReadBoolean(ref reader, "truncated");
        var visited = (int)Fields.ReadUInt32(ref reader, "visited", int.MaxValue);
        var certificate = Certificate.ReadNullable(ref reader);
        Fields.SkipExtraFields(ref reader, count, 4);
        return new GraphMatchResponse(matches, truncated, visited, certificate);
    }
}
