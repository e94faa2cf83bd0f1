using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>A walk through the graph: <c>[nodeIds: [str], edgeIds: [str]]</c>, one edge fewer than nodes.</summary>
public sealed class WireGraphPath
{
    /// <summary>Creates a path.</summary>
    public WireGraphPath(IReadOnlyList<string> nodeIds, IReadOnlyList<string> edgeIds)
    {
        NodeIds = nodeIds;
        EdgeIds = edgeIds;
    }

    /// <summary>The nodes, start first.</summary>
    public IReadOnlyList<string> NodeIds { get; }

    /// <summary>The edges between consecutive nodes.</summary>
    public IReadOnlyList<string> EdgeIds { get; }

    internal void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(2);
        MemoryFields.WriteStringList(ref writer, NodeIds);
        MemoryFields.WriteStringList(ref writer, EdgeIds);
    }

    internal static WireGraphPath Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 2, "path");
        var nodes = MemoryFields.ReadStringList(ref reader, "path.nodeIds", MemoryWireLimits.MaxListEntries, WireLimits.MaxIdBytes);
        var edges = MemoryFields.ReadStringList(ref reader, "path.edgeIds", MemoryWireLimits.MaxListEntries, WireLimits.MaxIdBytes);
        if (nodes.Length != edges.Length + 1)
        {
            throw new WireFormatException($"path has {nodes.Length} nodes and {edges.Length} edges; a path has one node more than edges");
        }
        Fields.SkipExtraFields(ref reader, count, 2);
        return new WireGraphPath(nodes, edges);
    }

    internal static void WriteNullable(ref MessagePackWriter writer, WireGraphPath? path)
    {
        if (path is null)
        {
            writer.WriteNil();
        }
        else
        {
            path.Write(ref writer);
        }
    }

    internal static WireGraphPath? ReadNullable(ref MessagePackReader reader) => reader.TryReadNil() ? null : Read(ref reader);
}
