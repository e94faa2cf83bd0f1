using MessagePack;

namespace AgentDb.Wire.Messages;

/// <summary>COLLECTION_CREATE request: <c>[name: str, dimension: uint, metric: uint, m: uint, efConstruction: uint]</c>;
/// 0 for <c>m</c> or <c>efConstruction</c> means the server's default. The response is <see cref="EmptyMessage"/>.</summary>
public sealed class CollectionCreateRequest : IWireMessage<CollectionCreateRequest>
{
    /// <summary>Creates the request.</summary>
    public CollectionCreateRequest(string name, int dimension, VectorMetric metric, int m = 0, int efConstruction = 0)
    {
        Name = name;
        Dimension = dimension;
        Metric = metric;
        M = m;
        EfConstruction = efConstruction;
    }

    /// <summary>The collection's name, 1–256 UTF-8 bytes.</summary>
    public string Name { get; }

    /// <summary>The vector dimension, 1–65536.</summary>
    public int Dimension { get; }

    /// <summary>The distance function.</summary>
    public VectorMetric Metric { get; }

    /// <summary>HNSW links per node; 0 for the default.</summary>
    public int M { get; }

    /// <summary>HNSW build beam width; 0 for the default.</summary>
    public int EfConstruction { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(5);
        writer.Write(Name);
        writer.Write(Dimension);
        writer.Write((byte)Metric);
        writer.Write(M);
        writer.Write(EfConstruction);
    }

    /// <inheritdoc/>
    public static CollectionCreateRequest Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 5, "COLLECTION_CREATE");
        var name = Fields.ReadString(ref reader, WireLimits.MaxNameBytes, "name");
        var dimension = (int)Fields.ReadUInt32(ref reader, "dimension", WireLimits.MaxDimension);
        if (dimension == 0)
        {
            throw new WireFormatException("dimension must be at least 1");
        }
        var metric = Fields.ReadUInt32(ref reader, "metric", byte.MaxValue);
        if (metric is < (uint)VectorMetric.Cosine or > (uint)VectorMetric.L2Squared)
        {
            throw new WireFormatException($"metric {metric} is not 1 (cosine), 2 (dot) or 3 (l2squared)");
        }
        var m = (int)Fields.ReadUInt32(ref reader, "m", 1024);
        var ef = (int)Fields.ReadUInt32(ref reader, "efConstruction", 1_000_000);
        Fields.SkipExtraFields(ref reader, count, 5);
        return new CollectionCreateRequest(name, dimension, (VectorMetric)metric, m, ef);
    }
}
