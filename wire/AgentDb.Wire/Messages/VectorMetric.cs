namespace AgentDb.Wire.Messages;

/// <summary>A collection's distance function. Persisted on the wire: values are explicit and append-only.</summary>
public enum VectorMetric : byte
{
    /// <summary>Cosine distance, 1 - cos(a, b).</summary>
    Cosine = 1,

    /// <summary>Negative dot product (larger dot = closer).</summary>
    Dot = 2,

    /// <summary>Squared Euclidean distance.</summary>
    L2Squared = 3,
}
