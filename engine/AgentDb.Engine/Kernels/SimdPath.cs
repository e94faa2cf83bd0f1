namespace AgentDb.Kernels;

/// <summary>
/// The instruction-set path a distance kernel runs on. Higher values are wider vectors.
/// The values are stable: they appear in logs, metrics and benchmark reports.
/// </summary>
public enum SimdPath
{
    /// <summary>Plain scalar loops; the reference every other path is tested against.</summary>
    Scalar = 0,

    /// <summary>128-bit vectors (SSE on x64, AdvSimd on Arm64).</summary>
    Vector128 = 1,

    /// <summary>256-bit vectors with fused multiply-add (AVX2 + FMA).</summary>
    Avx2 = 2,

    /// <summary>512-bit vectors (AVX-512 F and BW).</summary>
    Avx512 = 3,
}
