using System.Text.Json;
using System.Xml.Linq;
using AgentDb.Server.Bench;

namespace AgentDb.Server.Tests.Bench.Ann;

public sealed class AnnBenchEndToEndTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void GeneratedRun_WithBruteForceAndUSearch_WritesTableJsonAndPlot()
    {
        string[] args =
        [
            "--generate", "2000,100,32,8", "--seed", "5", "--metric", "l2", "--k", "10",
            "--ef-list", "16,64", "--threads", "2", "--candidates", "brute,usearch", "--out", _temp.Path,
        ];
        var output = new StringWriter();
        var log = new StringWriter();

        int exit = AnnBenchCommand.Run(args, output, log);

        Assert.True(exit == AnnBenchCommand.ExitSuccess, log.ToString());
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(_temp.Path, "results.json")));
        JsonElement root = json.RootElement;
        Assert.Equal(2000, root.GetProperty("dataset").GetProperty("base_count").GetInt32());
        Assert.Equal("l2", root.GetProperty("dataset").GetProperty("metric").GetString());
        JsonElement[] candidates = root.GetProperty("candidates").EnumerateArray().ToArray();
        Assert.Equal(["brute-force", "usearch"], candidates.Select(c => c.GetProperty("name").GetString()));

        JsonElement brute = candidates[0];
        JsonElement[] bruteSweep = brute.GetProperty("sweep").EnumerateArray().ToArray();
        Assert.Single(bruteSweep);
        Assert.Equal(1.0, bruteSweep[0].GetProperty("recall").GetDouble());
        Assert.Equal(2000 * 32 * 4, brute.GetProperty("memory_bytes").GetInt64());

        JsonElement usearch = candidates[1];
        JsonElement[] usearchSweep = usearch.GetProperty("sweep").EnumerateArray().ToArray();
        Assert.Equal([16, 64], usearchSweep.Select(p => p.GetProperty("ef").GetInt32()));
        Assert.All(usearchSweep, p => Assert.True(p.GetProperty("queries_per_second").GetDouble() > 0));
        Assert.True(usearchSweep[1].GetProperty("recall").GetDouble() >= 0.9, "usearch at ef=64 on 2,000 vectors should find nearly all neighbours");
        Assert.True(usearch.GetProperty("build_seconds_single_thread").GetDouble() > 0);
        Assert.True(usearch.GetProperty("memory_bytes").GetInt64() > 2000 * 32 * 4);

        string table = output.ToString();
        Assert.Contains("brute-force", table);
        Assert.Contains("usearch", table);
        Assert.Contains("recall@10", table);
        Assert.Equal(table, File.ReadAllText(Path.Combine(_temp.Path, "results.txt")));

        XDocument svg = XDocument.Load(Path.Combine(_temp.Path, "recall-qps.svg"));
        Assert.Equal(2, svg.Descendants().Count(e => (string?)e.Attribute("class") == "series"));
    }

    [Fact]
    public void SecondRun_ReusesTheCachedDataAndGroundTruth()
    {
        string[] args = ["--generate", "300,20,8,3", "--candidates", "brute", "--threads", "1", "--skip-single-thread-build", "--out", _temp.Path];

        Assert.Equal(0, AnnBenchCommand.Run(args, new StringWriter(), new StringWriter()));
        var log = new StringWriter();
        Assert.Equal(0, AnnBenchCommand.Run(args, new StringWriter(), log));

        Assert.Contains("cached", log.ToString());
        Assert.DoesNotContain("ground truth:", log.ToString());
    }

    [Fact]
    public void RunFromFiles_WithGivenGroundTruth_UsesIt()
    {
        string data = Path.Combine(_temp.Path, "data");
        Assert.Equal(0, AnnBenchCommand.Run(["--generate", "400,30,12,4", "--candidates", "brute", "--out", data], new StringWriter(), new StringWriter()));
        string cache = Path.Combine(data, "cache");
        string basePath = Directory.GetFiles(cache, "base.fvecs", SearchOption.AllDirectories).Single();
        string queryPath = Directory.GetFiles(cache, "query.fvecs", SearchOption.AllDirectories).Single();
        string gtPath = Directory.GetFiles(cache, "gt-*.ivecs").Single();
        var log = new StringWriter();

        int exit = AnnBenchCommand.Run(
            ["--base", basePath, "--query", queryPath, "--gt", gtPath, "--candidates", "brute", "--out", Path.Combine(_temp.Path, "run")],
            new StringWriter(),
            log);

        Assert.True(exit == 0, log.ToString());
        Assert.DoesNotContain("ground truth:", log.ToString());
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(_temp.Path, "run", "results.json")));
        Assert.Equal(Path.GetFullPath(gtPath), json.RootElement.GetProperty("dataset").GetProperty("ground_truth_path").GetString());
        Assert.Equal(1.0, json.RootElement.GetProperty("candidates")[0].GetProperty("sweep")[0].GetProperty("recall").GetDouble());
    }
}
