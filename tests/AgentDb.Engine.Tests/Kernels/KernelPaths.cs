using AgentDb.Kernels;

namespace AgentDb.Engine.Tests.Kernels;

/// <summary>
/// Runs a kernel on a chosen path directly, bypassing the process-wide dispatch, so every path can be
/// tested in one process on this machine. Which paths exist is the hardware's answer, printed by
/// <see cref="DistanceKernelTests.ThisMachine_RunsAtLeastTheVectorPaths"/>.
/// </summary>
internal static class KernelPaths
{
    public static TheoryData<SimdPath> Supported()
    {
        var data = new TheoryData<SimdPath>();
        foreach (SimdPath path in Enum.GetValues<SimdPath>())
        {
            if (SimdDispatch.IsSupported(path))
            {
                data.Add(path);
            }
        }

        return data;
    }

    public static float Dot(SimdPath path, ReadOnlySpan<float> a, ReadOnlySpan<float> b) => path switch
    {
        SimdPath.Avx512 => Avx512Kernels.Dot(a, b),
        SimdPath.Avx2 => Avx2Kernels.Dot(a, b),
        SimdPath.Vector128 => Vector128Kernels.Dot(a, b),
        _ => ScalarKernels.Dot(a, b),
    };

    public static float L2Squared(SimdPath path, ReadOnlySpan<float> a, ReadOnlySpan<float> b) => path switch
    {
        SimdPath.Avx512 => Avx512Kernels.L2Squared(a, b),
        SimdPath.Avx2 => Avx2Kernels.L2Squared(a, b),
        SimdPath.Vector128 => Vector128Kernels.L2Squared(a, b),
        _ => ScalarKernels.L2Squared(a, b),
    };

    public static float CosineDistance(SimdPath path, ReadOnlySpan<float> a, ReadOnlySpan<float> b) => path switch
    {
        SimdPath.Avx512 => Avx512Kernels.CosineDistance(a, b),
        SimdPath.Avx2 => Avx2Kernels.CosineDistance(a, b),
        SimdPath.Vector128 => Vector128Kernels.CosineDistance(a, b),
        _ => ScalarKernels.CosineDistance(a, b),
    };

    public static int DotInt8(SimdPath path, ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b) => path switch
    {
        SimdPath.Avx512 => Avx512Kernels.DotInt8(a, b),
        SimdPath.Avx2 => Avx2Kernels.DotInt8(a, b),
        SimdPath.Vector128 => Vector128Kernels.DotInt8(a, b),
        _ => ScalarKernels.DotInt8(a, b),
    };

    public static int L2SquaredInt8(SimdPath path, ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b) => path switch
    {
        SimdPath.Avx512 => Avx512Kernels.L2SquaredInt8(a, b),
        SimdPath.Avx2 => Avx2Kernels.L2SquaredInt8(a, b),
        SimdPath.Vector128 => Vector128Kernels.L2SquaredInt8(a, b),
        _ => ScalarKernels.L2SquaredInt8(a, b),
    };
}
