using AgentDb.Kernels;

namespace AgentDb.Engine.Tests.Kernels;

public sealed class SimdDispatchTests
{
    [Fact]
    public void Select_WithoutCap_ChoosesTheHardwarePath()
    {
        Assert.Equal(SimdDispatch.HardwarePath, SimdDispatch.Select(null));
        Assert.Equal(SimdDispatch.HardwarePath, SimdDispatch.Select("  "));
    }

    [Theory]
    [InlineData("scalar", SimdPath.Scalar)]
    [InlineData("VECTOR128", SimdPath.Vector128)]
    [InlineData("avx2", SimdPath.Avx2)]
    [InlineData(" avx512 ", SimdPath.Avx512)]
    public void Select_WithCap_NeverExceedsCapOrHardware(string cap, SimdPath expectedCap)
    {
        SimdPath chosen = SimdDispatch.Select(cap);
        SimdPath expected = expectedCap < SimdDispatch.HardwarePath ? expectedCap : SimdDispatch.HardwarePath;
        Assert.Equal(expected, chosen);
        Assert.True(SimdDispatch.IsSupported(chosen));
    }

    [Theory]
    [InlineData("avx1024")]
    [InlineData("sse")]
    [InlineData("3")]
    public void Select_WithUnknownCap_ThrowsNamingTheVariableAndChoices(string cap)
    {
        var e = Assert.Throws<ArgumentException>(() => SimdDispatch.Select(cap));
        Assert.Contains(SimdDispatch.EnvironmentVariable, e.Message);
        Assert.Contains("avx512", e.Message);
    }

    [Fact]
    public void PathAndMetricValues_AreStable()
    {
        // Persisted in segment headers, reports and on the wire: these numbers never change.
        Assert.Equal(0, (int)SimdPath.Scalar);
        Assert.Equal(1, (int)SimdPath.Vector128);
        Assert.Equal(2, (int)SimdPath.Avx2);
        Assert.Equal(3, (int)SimdPath.Avx512);
        Assert.Equal(1, (byte)DistanceMetric.Cosine);
        Assert.Equal(2, (byte)DistanceMetric.L2Squared);
        Assert.Equal(3, (byte)DistanceMetric.Dot);
    }
}
