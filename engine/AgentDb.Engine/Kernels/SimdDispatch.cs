namespace AgentDb.Kernels;

/// <summary>
/// Chooses the kernel path once, at start-up, from the hardware and the optional cap in the
/// <c>AGENTDB_SIMD_MAX</c> environment variable (<c>scalar</c>, <c>vector128</c>, <c>avx2</c>, <c>avx512</c>).
/// </summary>
/// <remarks>
/// The cap lets tests and benchmarks run every lower path on a machine that has the higher ones.
/// It never raises the path above what the hardware (and the runtime's own <c>DOTNET_Enable*</c>
/// switches) allow. The runtime switches are honoured because every check goes through
/// <c>IsHardwareAccelerated</c>/<c>IsSupported</c>.
/// </remarks>
public static class SimdDispatch
{
    /// <summary>The environment variable that caps the kernel path.</summary>
    public const string EnvironmentVariable = "AGENTDB_SIMD_MAX";

    /// <summary>The widest path this process's hardware and runtime support, ignoring any cap.</summary>
    public static SimdPath HardwarePath
    {
        get
        {
            if (Avx512Kernels.IsSupported)
            {
                return SimdPath.Avx512;
            }

            if (Avx2Kernels.IsSupported)
            {
                return SimdPath.Avx2;
            }

            return Vector128Kernels.IsSupported ? SimdPath.Vector128 : SimdPath.Scalar;
        }
    }

    /// <summary>Whether this process can run <paramref name="path"/>.</summary>
    public static bool IsSupported(SimdPath path) => path switch
    {
        SimdPath.Scalar => true,
        SimdPath.Vector128 => Vector128Kernels.IsSupported,
        SimdPath.Avx2 => Avx2Kernels.IsSupported,
        SimdPath.Avx512 => Avx512Kernels.IsSupported,
        _ => false,
    };

    /// <summary>Parses a cap as written in <see cref="EnvironmentVariable"/> (case-insensitive).</summary>
    /// <returns><see langword="false"/> when <paramref name="text"/> names no path.</returns>
    public static bool TryParse(string? text, out SimdPath path)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "scalar":
                path = SimdPath.Scalar;
                return true;
            case "vector128":
                path = SimdPath.Vector128;
                return true;
            case "avx2":
                path = SimdPath.Avx2;
                return true;
            case "avx512":
                path = SimdPath.Avx512;
                return true;
            default:
                path = default;
                return false;
        }
    }

    /// <summary>
    /// The path to use given an optional cap: the widest supported path not above the cap.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="cap"/> is set but names no path.</exception>
    public static SimdPath Select(string? cap)
    {
        SimdPath hardware = HardwarePath;
        if (string.IsNullOrWhiteSpace(cap))
        {
            return hardware;
        }

        if (!TryParse(cap, out SimdPath limit))
        {
            throw new ArgumentException(
                $"{EnvironmentVariable}='{cap}' is not a kernel path; use one of: scalar, vector128, avx2, avx512.");
        }

        return limit < hardware ? limit : hardware;
    }
}
