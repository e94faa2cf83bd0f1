using AgentDb.Kernels;
using RocksDbSharp;

namespace AgentDb.Storage;

/// <summary>
/// A collection as the record store knows it: identity, schema, its column family and its persisted counters.
/// The counters change only under the store's (single) apply thread.
/// </summary>
internal sealed class CollectionDescriptor
{
    public CollectionDescriptor(long id, string name, int dimension, DistanceMetric metric, long createdUnixMs, ColumnFamilyHandle columnFamily, ColumnFamilyHandle idsColumnFamily, int hnswM, int hnswEfConstruction)
    {
        IdsColumnFamily = idsColumnFamily;
        HnswM = hnswM;
        HnswEfConstruction = hnswEfConstruction;
        Id = id;
        Name = name;
        Dimension = dimension;
        Metric = metric;
        CreatedUnixMs = createdUnixMs;
        ColumnFamily = columnFamily;
    }

    /// <summary>The collection's id: the LSN of the entry that created it, unique for the database's lifetime.</summary>
    public long Id { get; }

    public string Name { get; }

    public int Dimension { get; }

    public DistanceMetric Metric { get; }

    public long CreatedUnixMs { get; }

    /// <summary>The HNSW tier's links per node on upper levels, fixed when the collection was created.</summary>
    public int HnswM { get; }

    /// <summary>The HNSW tier's build beam width, fixed when the collection was created.</summary>
    public int HnswEfConstruction { get; }

    /// <summary>The column family of the records: <c>0x01 + id</c> → record value.</summary>
    public ColumnFamilyHandle ColumnFamily { get; }

    /// <summary>
    /// The column family of the id map: internal id (u64 big-endian) → id. Apart from the records so that both key
    /// streams stay in order in their own memtables (see <see cref="StorageKeys"/>).
    /// </summary>
    public ColumnFamilyHandle IdsColumnFamily { get; }

    /// <summary>The top-level payload fields with an equality index (set by the apply thread; replaced whole, never mutated).</summary>
    public string[] PayloadIndexFields { get; set; } = [];

    /// <summary>The last internal id handed out (internal ids start at 1).</summary>
    public long LastInternalId { get; set; }

    /// <summary>Records in the collection.</summary>
    public long RecordCount { get; set; }

    /// <summary>Scratch copies of the counters while one batch is being built; committed after the write succeeds.</summary>
    internal long PendingLastInternalId { get; set; }

    internal long PendingRecordCount { get; set; }

    /// <summary>The column family name of a collection id: <c>c{id}</c>.</summary>
    public static string ColumnFamilyName(long id) => "c" + id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The column family name of a collection's id map: <c>i{id}</c>.</summary>
    public static string IdsColumnFamilyName(long id) => "i" + id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
