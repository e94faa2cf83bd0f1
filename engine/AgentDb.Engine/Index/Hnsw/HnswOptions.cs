using AgentDb.Kernels;

namespace AgentDb.Index.Hnsw;

/// <summary>
/// Shape and tuning of an <see cref="HnswIndex"/>. Checked once, by <see cref="Validate"/>, when the index is created;
/// the index copies the values, so changing an instance afterwards has no effect on it.
/// </summary>
public sealed class HnswOptions
{
    /// <summary>The largest <see cref="M"/> accepted: level 0 keeps <c>2 * M</c> links per node.</summary>
    public const int MaxM = 256;

    /// <summary>The largest <see cref="Dimension"/> accepted.</summary>
    public const int MaxDimension = 65_536;

    /// <summary>The number of floats in every vector. Required; between 1 and <see cref="MaxDimension"/>.</summary>
    public int Dimension { get; set; }

    /// <summary>How distances are measured. Required. Cosine vectors are normalised on insert.</summary>
    public DistanceMetric Metric { get; set; }

    /// <summary>
    /// Links per node on the upper levels (level 0 keeps twice as many). Larger is better recall and more memory.
    /// Between 2 and <see cref="MaxM"/>; default 16.
    /// </summary>
    public int M { get; set; } = 16;

    /// <summary>Breadth of the candidate list while inserting. At least <see cref="M"/>; default 200.</summary>
    public int EfConstruction { get; set; } = 200;

    /// <summary>Breadth of the candidate list while searching, when a search does not name its own. At least 1; default 64.</summary>
    public int EfSearch { get; set; } = 64;

    /// <summary>Seed of the level draw: the same seed and insertion order give the same graph.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>Nodes allocated up front; storage doubles when full. At least 1; default 1024.</summary>
    public int InitialCapacity { get; set; } = 1024;

    /// <summary>Checks every value and throws on the first that is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A numeric option is out of its documented range.</exception>
    /// <exception cref="ArgumentException">The metric is not a defined <see cref="DistanceMetric"/>.</exception>
    public void Validate()
    {
        if (Dimension < 1 || Dimension > MaxDimension)
        {
            throw new ArgumentOutOfRangeException(nameof(Dimension), Dimension, $"The dimension must be between 1 and {MaxDimension}.");
        }

        if (Metric is not (DistanceMetric.Cosine or DistanceMetric.L2Squared or DistanceMetric.Dot))
        {
            throw new ArgumentException($"Unknown distance metric {(byte)Metric}.", nameof(Metric));
        }

        if (M < 2 || M > MaxM)
        {
            throw new ArgumentOutOfRangeException(nameof(M), M, $"M must be between 2 and {MaxM}.");
        }

        if (EfConstruction < M)
        {
            throw new ArgumentOutOfRangeException(nameof(EfConstruction), EfConstruction, $"EfConstruction must be at least M ({M}).");
        }

        if (EfSearch < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(EfSearch), EfSearch, "EfSearch must be at least 1.");
        }

        if (InitialCapacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(InitialCapacity), InitialCapacity, "InitialCapacity must be at least 1.");
        }
    }
}
