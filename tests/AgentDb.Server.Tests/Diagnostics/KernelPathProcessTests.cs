using AgentDb.Kernels;

namespace AgentDb.Server.Tests.Diagnostics;

/// <summary>
/// Each SIMD path in a process of its own: capped by AGENTDB_SIMD_MAX, or with the runtime's own
/// DOTNET_Enable* switches turning instruction sets off, the dispatched kernels must choose the expected path
/// and pass their self-check against the double-precision reference.
/// </summary>
public sealed class KernelPathProcessTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    public static TheoryData<string, string, SimdPath> Forcings()
    {
        var data = new TheoryData<string, string, SimdPath>();
        foreach (SimdPath path in Enum.GetValues<SimdPath>())
        {
            // A cap above the hardware falls back to the hardware's path: the expectation says so.
            SimdPath expected = path < SimdDispatch.HardwarePath ? path : SimdDispatch.HardwarePath;
            data.Add(SimdDispatch.EnvironmentVariable, path.ToString().ToLowerInvariant(), expected);
        }

        // The runtime's switches (.NET 10 names) lower what the hardware reports, with no AgentDb setting at all.
        data.Add("DOTNET_EnableAVX512", "0", Min(SimdPath.Avx2));
        data.Add("DOTNET_EnableAVX2", "0", Min(SimdPath.Vector128));
        data.Add("DOTNET_EnableHWIntrinsic", "0", SimdPath.Scalar);
        return data;
    }

    [Theory]
    [MemberData(nameof(Forcings))]
    public async Task Kernels_ChooseTheForcedPath_AndPassTheSelfCheck(string variable, string value, SimdPath expected)
    {
        using var child = AgentDbProcess.StartWithEnvironment(new Dictionary<string, string?> { [variable] = value }, "kernels");

        Assert.Equal(0, await child.WaitForExitAsync(s_timeout));
        Assert.Contains($"active path: {expected}\n", child.Stdout);
        Assert.Contains("self-check: ok", child.Stdout);
        Assert.Equal("", child.Stderr);
    }

    [Fact]
    public async Task UnknownSimdCap_ExitsTwoNamingTheVariable()
    {
        using var child = AgentDbProcess.StartWithEnvironment(
            new Dictionary<string, string?> { [SimdDispatch.EnvironmentVariable] = "avx1024" }, "kernels");

        Assert.Equal(2, await child.WaitForExitAsync(s_timeout));
        Assert.Contains("AGENTDB_SIMD_MAX='avx1024' is not a kernel path", child.Stderr);
        Assert.Equal("", child.Stdout);
    }

    private static SimdPath Min(SimdPath path) => path < SimdDispatch.HardwarePath ? path : SimdDispatch.HardwarePath;
}
