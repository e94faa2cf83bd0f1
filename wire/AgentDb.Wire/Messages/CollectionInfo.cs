using MessagePack;

namespace AgentDb.Wire.Messages;

/// <summary>One entry of COLLECTION_LIST's response: <c>[name: str, dimension: uint, metric: uint, count: uint]</c>.</summary>
public sealed class CollectionInfo
{
    /// <summary>Creates an entry.</summary>
    public CollectionInfo(string name, int dimension, VectorMetric metric, ulong count)
    {
        Name = name;
        Dimension = dimension;
        Metric = metric;
        Count = count;
    }

    /// <summary>The collection's name.</summary>
    public string Name { get; }

    /// <summary>The vector dimension.</summary>
    public int Dimension { get; }

    /// <summary>The distance function.</summary>
    public VectorMetric Metric { get; }

    /// <summary>How many live records the collection holds.</summary>
    public ulong Count { get; }

    internal void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(4);
        writer.Write(Name);
        writer.Write(Dimension);
        writer.Write((byte)Metric);
        writer.Write(Count);
    }

    internal static CollectionInfo Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 4, "collection");
        var name = Fields.ReadString(ref reader, WireLimits.MaxNameBytes, "collection.name");
        var dimension = (int)Fields.ReadUInt32(ref reader, "collection.dimension", WireLimits.MaxDimension);
        var metric = (VectorMetric)Fields.ReadUInt32(ref reader, "collection.metric", byte.MaxValue);
        var records = Fields.ReadUInt64(ref reader, "collection.count");
        Fields.SkipExtraFields(ref reader, count, 4);
        return new CollectionInfo(name, dimension, metric, records);
    }
}
