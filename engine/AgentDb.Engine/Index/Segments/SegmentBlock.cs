namespace AgentDb.Index.Segments;

/// <summary>
/// The blocks of a segment file, in file order; the value is the block's index in the header's block table.
/// </summary>
/// <remarks>Persisted: values are explicit and append-only; never renumber (see docs/SEGMENT_FORMAT.md).</remarks>
public enum SegmentBlock : byte
{
    /// <summary>Vectors, <c>NodeCount × Dimension</c> little-endian float32, normalised for cosine.</summary>
    Vectors = 0,

    /// <summary>Level-0 link lists, <c>NodeCount × (1 + MaxDegree0)</c> int32: count, then links.</summary>
    Level0Links = 1,

    /// <summary>Where each node's upper-level lists start in <see cref="UpperLinks"/>: <c>NodeCount + 1</c> uint32 prefix offsets.</summary>
    UpperOffsets = 2,

    /// <summary>Upper-level link lists, <c>1 + M</c> int32 each: count, then links.</summary>
    UpperLinks = 3,

    /// <summary>The caller's id of each node, <c>NodeCount</c> int64.</summary>
    Ids = 4,

    /// <summary>The live nodes ordered by ascending id, <c>LiveCount</c> int32: the id lookup, by binary search.</summary>
    IdIndex = 5,

    /// <summary>Deleted nodes, one bit per node (bit <c>n % 64</c> of uint64 word <c>n / 64</c>).</summary>
    Deleted = 6,
}
