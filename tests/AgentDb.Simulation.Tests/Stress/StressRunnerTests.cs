using System.Text.Json;
using AgentDb.Engine.Tests.Support;
using AgentDb.Memory;
using AgentDb.Memory.Embedding;
using AgentDb.Simulation.Stress;
using AgentDb.Simulation.Targets;

namespace AgentDb.Simulation.Tests.Stress;

/// <summary>The stress matrix in miniature (agents 10,50 x concurrency 1,5, cells bounded by 1 s and 200 operations),
/// embedded and against a spawned server. Counts and retrievability are asserted, never a speed.</summary>
public sealed class StressRunnerTests
{
    private const int Dimension = 32;
    private const long MaxOperations = 200;

    private static readonly StressOptions s_tiny = new()
    {
        Agents = [10, 50],
        Concurrency = [1, 5],
        CellDuration = TimeSpan.FromSeconds(1),
        MaxOperationsPerCell = MaxOperations,
        Dimension = Dimension,
        RecordStoredEpisodes = true,
    };

    private static string AgentDbDll => Path.Combine(AppContext.BaseDirectory, "agentdb.dll");

    [Fact]
    public async Task Embedded_TinyMatrix_EveryOperationSucceedsAndEveryStoredEpisodeIsRetrievable()
    {
        using var dir = new TempDirectory();
        using var memory = AgentMemory.Open(dir.Path, new AgentMemoryOptions { Embedder = new HashingEmbedder(Dimension) });
        var opened = 0;
        var runner = new StressRunner(s_tiny, (_, _) =>
        {
            opened++;
            return Task.FromResult<IMemoryTarget>(new EmbeddedMemoryTarget(memory, ownsMemory: false));
        }, ProcessProbe.Self());

        var cells = await runner.RunAsync(null, CancellationToken.None);

        Assert.Equal(4, opened);
        AssertCellsConsistent(cells, runner.StoredEpisodes.Count);
        Assert.All(cells, c => Assert.NotNull(c.RssBytes));
        Assert.All(cells, c => Assert.NotNull(c.CpuSeconds));
        await using var target = new EmbeddedMemoryTarget(memory, ownsMemory: false);
        await AssertEveryEpisodeRetrievableAsync(target, runner.StoredEpisodes);
    }

    [Fact]
    public async Task SpawnedServer_TinyMatrix_EveryOperationSucceedsAndTheServerIsStoppedAtTheEnd()
    {
        Assert.True(File.Exists(AgentDbDll), $"{AgentDbDll} is missing: the project reference should copy it");
        var server = await StressServerProcess.StartAsync(AgentDbCommand.FromDll(AgentDbDll), Dimension, CancellationToken.None);
        int processId;
        await using (server)
        {
            processId = server.ProcessId;
            var connections = new List<int>();
            var runner = new StressRunner(s_tiny, async (concurrency, token) =>
            {
                connections.Add(concurrency);
                return await ServerMemoryTarget.ConnectAsync(StressServerProcess.Host, server.Port, null, concurrency, token);
            }, new ProcessProbe(server.ProcessId));

            var cells = await runner.RunAsync(null, CancellationToken.None);

            Assert.Equal([1, 5, 1, 5], connections);
            AssertCellsConsistent(cells, runner.StoredEpisodes.Count);
            Assert.All(cells, c => Assert.True(c.RssBytes > 0));
            Assert.All(cells, c => Assert.NotNull(c.CpuSeconds));
            await using var target = await ServerMemoryTarget.ConnectAsync(StressServerProcess.Host, server.Port, null, 2, CancellationToken.None);
            Assert.Equal(Dimension, target.Dimension);
            await AssertEveryEpisodeRetrievableAsync(target, runner.StoredEpisodes);
        }
        Assert.True(server.HasExited);
        Assert.Throws<ArgumentException>(() => System.Diagnostics.Process.GetProcessById(processId));
    }

    [Fact]
    public async Task Command_AgainstASpawnedServer_WritesTableReportAndPlotAndExitsZero()
    {
        Assert.True(File.Exists(AgentDbDll), $"{AgentDbDll} is missing: the project reference should copy it");
        using var dir = new TempDirectory();
        var report = dir.Combine("stress.json");
        var plot = dir.Combine("stress.png");
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var code = await StressCommand.RunAsync(
            ["--agents", "10,50", "--concurrency", "1,5", "--cell-seconds", "1", "--max-ops", "100", "--dimension", "16",
             "--report", report, "--plot", plot],
            AgentDbCommand.FromDll(AgentDbDll), stdout, stderr, CancellationToken.None);

        Assert.True(code == 0, stderr.ToString());
        Assert.Contains(StressReport.Header, stdout.ToString());
        using var json = JsonDocument.Parse(File.ReadAllBytes(report));
        var cells = json.RootElement.GetProperty("cells");
        Assert.Equal(4, cells.GetArrayLength());
        foreach (var cell in cells.EnumerateArray())
        {
            Assert.Equal(1.0, cell.GetProperty("successRate").GetDouble());
            Assert.Equal(cell.GetProperty("operations").GetInt64(), cell.GetProperty("successes").GetInt64() + cell.GetProperty("failures").GetInt64());
            Assert.True(cell.GetProperty("rssBytes").GetInt64() > 0);
        }
        var png = File.ReadAllBytes(plot);
        Assert.True(png.AsSpan(0, 8).SequenceEqual(AgentDb.Simulation.Stress.Plot.PngWriter.Signature));
    }

    private static void AssertCellsConsistent(IReadOnlyList<StressCellResult> cells, int storedEpisodes)
    {
        Assert.Equal([(10, 1), (10, 5), (50, 1), (50, 5)], cells.Select(c => (c.Agents, c.Concurrency)));
        long stored = 0;
        foreach (var cell in cells)
        {
            Assert.True(cell.Operations > 0);
            Assert.Equal(cell.Operations, cell.Successes + cell.Failures);
            Assert.Equal(0, cell.Failures);
            Assert.Empty(cell.Errors);
            Assert.Equal(1.0, cell.SuccessRate);
            // Bounded by the operation budget (a turn is a store and a retrieval).
            Assert.True(cell.Operations <= MaxOperations, $"{cell.Operations} operations in a cell bounded by {MaxOperations}");
            Assert.Equal(0, cell.Operations % 2);
            Assert.Equal(cell.Operations / 2, cell.EpisodesStored);
            Assert.True(cell.P99Ms >= cell.P50Ms);
            stored += cell.EpisodesStored;
        }
        Assert.Equal(stored, storedEpisodes);
    }

    /// <summary>Every stored id reads back with its session, and a retrieval over each session (k = its episode count)
    /// returns exactly that session's episodes.</summary>
    private static async Task AssertEveryEpisodeRetrievableAsync(IMemoryTarget target, IReadOnlyCollection<StoredEpisodeRef> stored)
    {
        Assert.NotEmpty(stored);
        var bySession = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var episode in stored)
        {
            var read = await target.GetEpisodeAsync(episode.Id);
            Assert.NotNull(read);
            Assert.Equal(episode.SessionId, read.SessionId);
            if (!bySession.TryGetValue(episode.SessionId, out var ids))
            {
                bySession[episode.SessionId] = ids = new HashSet<string>(StringComparer.Ordinal);
            }
            Assert.True(ids.Add(episode.Id), $"id {episode.Id} stored twice");
        }
        var workload = new StressWorkload(target.Dimension, seed: 1);
        var random = new Random(1);
        foreach (var (session, ids) in bySession)
        {
            var agent = int.Parse(session[(session.IndexOf("-a", StringComparison.Ordinal) + 2)..], System.Globalization.CultureInfo.InvariantCulture);
            var matches = await target.RetrieveRelevantAsync(
                workload.QueryVector(agent, random), new Memory.Reflexion.EpisodeRetrievalOptions { K = ids.Count + 5, SessionId = session });
            Assert.Equal(ids.Count, matches.Count);
            Assert.All(matches, m => Assert.Contains(m.Episode.Id!, ids));
        }
    }
}
