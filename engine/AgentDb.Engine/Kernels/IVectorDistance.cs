namespace AgentDb.Kernels;

/// <summary>
/// A distance as a struct type argument, so that generic search loops (<c>where TDistance : struct, IVectorDistance</c>)
/// compile to the kernel inlined, with no delegate or interface call per comparison.
/// Smaller is nearer. Lengths are the caller's responsibility: implementations do not re-check them.
/// </summary>
public interface IVectorDistance
{
    /// <summary>The distance between two vectors of equal length.</summary>
    float Compute(ReadOnlySpan<float> a, ReadOnlySpan<float> b);
}
