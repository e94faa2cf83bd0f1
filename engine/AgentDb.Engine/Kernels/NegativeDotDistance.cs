namespace AgentDb.Kernels;

/// <summary>Negated inner product: a larger inner product is nearer.</summary>
public readonly struct NegativeDotDistance : IVectorDistance
{
    /// <inheritdoc />
    public float Compute(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => -Distance.DotUnchecked(a, b);
}
