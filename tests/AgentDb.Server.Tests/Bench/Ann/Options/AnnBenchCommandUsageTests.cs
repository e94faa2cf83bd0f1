using AgentDb.Server.Bench;

namespace AgentDb.Server.Tests.Bench.Ann.Options;

public sealed class AnnBenchCommandUsageTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("unknown option --frobnicate", "--generate", "10,2,4,2", "--frobnicate")]
    [InlineData("--metric must be cosine, l2 or dot", "--generate", "10,2,4,2", "--metric", "hamming")]
    [InlineData("--generate takes N,Q,DIM,CLUSTERS", "--generate", "10,2,4")]
    [InlineData("--generate DIM must be between", "--generate", "10,2,0,2")]
    [InlineData("--k must be between 1 and 100", "--generate", "10,2,4,2", "--k", "101")]
    [InlineData("--ef-list (item 2) must be an integer", "--generate", "10,2,4,2", "--ef-list", "16,x")]
    [InlineData("--ef-list repeats a value", "--generate", "10,2,4,2", "--ef-list", "16,16")]
    [InlineData("--threads must be between", "--generate", "10,2,4,2", "--threads", "0")]
    [InlineData("unknown candidate 'faiss'", "--generate", "10,2,4,2", "--candidates", "brute,faiss")]
    [InlineData("--k is given more than once", "--generate", "10,2,4,2", "--k", "5", "--k", "6")]
    [InlineData("--k needs a value", "--generate", "10,2,4,2", "--k")]
    [InlineData("give the data", "--k", "5")]
    [InlineData("--seed applies only to --generate", "--base", "x", "--seed", "1")]
    [InlineData("unexpected argument 'extra'", "--generate", "10,2,4,2", "extra")]
    public void Run_WithBadOptions_ExitsWithTwoAndNamesTheProblem(string expected, params string[] args)
    {
        var (exit, _, log) = Run(args);

        Assert.Equal(AnnBenchCommand.ExitUsage, exit);
        Assert.Contains(expected, log);
        Assert.Contains("usage: agentdb bench ann", log);
    }

    [Fact]
    public void Run_WithMissingBaseFile_ExitsWithTwo()
    {
        string query = _temp.File("q.fvecs");
        File.WriteAllBytes(query, [1, 0, 0, 0, 0, 0, 0, 0]);

        var (exit, _, log) = Run(["--base", _temp.File("nope.fvecs"), "--query", query]);

        Assert.Equal(AnnBenchCommand.ExitUsage, exit);
        Assert.Contains("nope.fvecs does not exist", log);
    }

    [Fact]
    public void Run_WithGenerateAndBase_ExitsWithTwo()
    {
        var (exit, _, log) = Run(["--generate", "10,2,4,2", "--base", "b.fvecs"]);

        Assert.Equal(AnnBenchCommand.ExitUsage, exit);
        Assert.Contains("--generate cannot be combined", log);
    }

    [Fact]
    public void Run_WithHelp_PrintsUsageAndSucceeds()
    {
        var (exit, output, _) = Run(["--help"]);

        Assert.Equal(AnnBenchCommand.ExitSuccess, exit);
        Assert.Contains("--ef-list", output);
    }

    [Fact]
    public void PrepareMiniLm_WithoutOut_ExitsWithTwo()
    {
        var (exit, _, log) = Run(["prepare-minilm", "--count", "10"]);

        Assert.Equal(AnnBenchCommand.ExitUsage, exit);
        Assert.Contains("needs --out DIR", log);
        Assert.Contains("usage: agentdb bench ann prepare-minilm", log);
    }

    [Fact]
    public void PrepareMiniLm_WithBadCount_ExitsWithTwo()
    {
        var (exit, _, log) = Run(["prepare-minilm", "--out", _temp.Path, "--count", "-3"]);

        Assert.Equal(AnnBenchCommand.ExitUsage, exit);
        Assert.Contains("--count must be between", log);
    }

    [Fact]
    public void Run_WithTruncatedBaseFile_ExitsWithOneNamingFileAndVector()
    {
        string basePath = _temp.File("base.fvecs");
        string queryPath = _temp.File("query.fvecs");
        byte[] record = [2, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64];
        File.WriteAllBytes(basePath, [.. record, .. record, 2, 0, 0, 0, 1]);
        File.WriteAllBytes(queryPath, record);

        var (exit, _, log) = Run(["--base", basePath, "--query", queryPath, "--candidates", "brute", "--out", _temp.File("out")]);

        Assert.Equal(AnnBenchCommand.ExitFailure, exit);
        Assert.Contains(basePath, log);
        Assert.Contains("vector 2", log);
    }

    private static (int Exit, string Output, string Log) Run(string[] args)
    {
        var output = new StringWriter();
        var log = new StringWriter();
        int exit = AnnBenchCommand.Run(args, output, log);
        return (exit, output.ToString(), log.ToString());
    }
}
