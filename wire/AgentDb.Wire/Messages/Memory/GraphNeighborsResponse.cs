using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>GRAPH_NEIGHBORS response: <c>[neighbors: [WireGraphNeighbor...]]</c>.</summary>
public sealed class GraphNeighborsResponse : IWireMessage<GraphNeighborsResponse>
{
    /// <summary>Creates the response.</summary>
    public GraphNeighborsResponse(IReadOnlyList<WireGraphNeighbor> neighbors) => Neighbors = neighbors;

    /// <summary>The neighbours, in adjacency order.</summary>
    public IReadOnlyList<WireGraphNeighbor> Neighbors { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(1);
        writer.WriteArrayHeader(Neighbors.Count);
        for (var i = 0; i < Neighbors.Count; i++)
        {
            Neighbors[i].Write(ref writer);
        }
    }

    /// <inheritdoc/>
    public static GraphNeighborsResponse Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 1, "GRAPH_NEIGHBORS response");
        var entries = Fields.ReadListCount(ref reader, "neighbors", MemoryWireLimits.MaxResults);
        var neighbors = new WireGraphNeighbor[entries];
        for (var i = 0; i < entries; i++)
        {
            neighbors[i] = WireGraphNeighbor.Read(ref reader);
        }
        Fields.SkipExtraFields(ref reader, count, 1);
        return new GraphNeighborsResponse(neighbors);
    }
}
