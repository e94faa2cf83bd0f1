namespace AgentDb.Kernels;

/// <summary>Cosine distance of unit-length vectors: <c>1 - dot(a, b)</c>. Indexes normalise vectors on insert and use this.</summary>
public readonly struct NormalizedCosineDistance : IVectorDistance
{
    /// <inheritdoc />
    public float Compute(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => 1f - Distance.DotUnchecked(a, b);
}
