namespace AgentDb.Kernels;

/// <summary>Squared Euclidean distance.</summary>
public readonly struct L2SquaredDistance : IVectorDistance
{
    /// <inheritdoc />
    public float Compute(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => Distance.L2SquaredUnchecked(a, b);
}
