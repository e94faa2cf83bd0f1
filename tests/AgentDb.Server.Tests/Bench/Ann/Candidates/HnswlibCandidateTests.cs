using AgentDb.Server.Bench;
using AgentDb.Server.Bench.Ann.Candidates;
using AgentDb.Server.Bench.Ann.Data;

namespace AgentDb.Server.Tests.Bench.Ann.Candidates;

/// <summary>
/// The C# side of the hnswlib peer's protocol. The peer itself (python3-hnswlib) is exercised by running the benchmark
/// through bench/ann/run.sh, which installs it; these tests need neither Python nor hnswlib.
/// </summary>
public sealed class HnswlibCandidateTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void ReadResult_ParsesTimingsAndTheIdFilesItNames()
    {
        string ids16 = _temp.File("hnswlib-ids-ef16.ivecs");
        string ids64 = _temp.File("hnswlib-ids-ef64.ivecs");
        IvecsFile.Write(ids16, new NeighborTable([3, 1, 4, 1, 5, 9], 2, 3));
        IvecsFile.Write(ids64, new NeighborTable([2, 7, 1, 8, 2, 8], 2, 3));
        string json = _temp.File("hnswlib-result.json");
        File.WriteAllText(json, $$"""
            {"library": "hnswlib", "version": "0.6.2", "M": 16, "ef_construction": 200, "threads": 2,
             "build_seconds": 1.5, "build_seconds_single_thread": 2.75, "index_bytes": 123456,
             "memory_source": "size of save_index file",
             "sweep": [{"ef": 16, "seconds": 0.25, "ids": "{{ids16}}"}, {"ef": 64, "seconds": 0.5, "ids": "{{ids64}}"}]}
            """);
        var candidate = new HnswlibCandidate("/usr/bin/python3", null, TextWriter.Null);

        ExternalRunResult result = candidate.ReadResult(json);

        Assert.Equal(1.5, result.BuildSeconds);
        Assert.Equal(2.75, result.BuildSecondsSingleThread);
        Assert.Equal(123456, result.MemoryBytes);
        Assert.Contains("hnswlib 0.6.2", result.Detail);
        Assert.Equal([16, 64], result.Sweep.Select(s => s.Ef));
        Assert.Equal(0.5, result.Sweep[1].Seconds);
        Assert.Equal([2, 7, 1, 8, 2, 8], result.Sweep[1].Found.Ids);
    }

    [Fact]
    public void ReadResult_WithMalformedJson_ThrowsNamingTheFile()
    {
        string json = _temp.File("bad.json");
        File.WriteAllText(json, """{"build_seconds": 1.0}""");
        var candidate = new HnswlibCandidate("/usr/bin/python3", null, TextWriter.Null);

        var error = Assert.Throws<ExternalCandidateException>(() => candidate.ReadResult(json));

        Assert.Contains(json, error.Message);
    }

    [Fact]
    public void CheckAvailable_WithoutTheScript_SaysHowToGiveIt()
    {
        var candidate = new HnswlibCandidate("/usr/bin/python3", null, TextWriter.Null);

        Assert.Contains("--hnswlib-script", candidate.CheckAvailable());
    }

    [Fact]
    public void Run_WithAMissingInterpreter_FailsClearlyBeforeAnyWork()
    {
        string script = _temp.File("peer.py");
        File.WriteAllText(script, "raise SystemExit(3)");
        var output = new StringWriter();
        var log = new StringWriter();

        int exit = AnnBenchCommand.Run(
            ["--generate", "100,5,4,2", "--candidates", "brute,hnswlib", "--python", _temp.File("no-python"), "--hnswlib-script", script, "--out", _temp.File("out")],
            output,
            log);

        Assert.Equal(AnnBenchCommand.ExitFailure, exit);
        Assert.Contains("hnswlib", log.ToString());
        Assert.Contains("no-python does not exist", log.ToString());
        Assert.False(Directory.Exists(Path.Combine(_temp.File("out"), "cache")), "nothing should be generated before the peer check");
    }

    [Fact]
    public void LocateScript_FindsTheCopyBesideTheTool()
    {
        string? script = HnswlibCandidate.LocateScript(null);

        Assert.NotNull(script);
        Assert.EndsWith(Path.Combine("bench", "ann", "hnswlib_peer.py"), script);
    }
}
