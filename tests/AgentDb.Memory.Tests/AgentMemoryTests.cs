using AgentDb.Engine.Tests.Support;
using AgentDb.Memory.Reflexion;
using AgentDb.Memory.Skills;
using AgentDb.Memory.Stores;
using AgentDb.Memory.Tests.Support;

namespace AgentDb.Memory.Tests;

public sealed class AgentMemoryTests
{
    private static AgentMemory Open(TempDirectory dir, MemoryStoreLayout? layout = null, StubEmbedder? embedder = null) =>
        AgentMemory.Open(dir.Path, new AgentMemoryOptions { Embedder = embedder ?? new StubEmbedder(), Layout = layout ?? new MemoryStoreLayout() });

    [Fact]
    public void ABatchAcrossControllersIsOneAtomicWriteVisibleOnlyAfterExecute()
    {
        using var dir = new TempDirectory("agentdb-mem");
        using AgentMemory memory = Open(dir);
        MemoryBatch batch = memory.CreateBatch();
        string first = batch.StoreEpisode(new Episode { SessionId = "s", Task = "parse json file", Reward = 1, Success = true });
        IReadOnlyList<string> more = batch.StoreEpisodes([new Episode { SessionId = "s", Task = "write csv file", Reward = 0.5 }]);
        batch.CreateSkill(new Skill { Name = "json-parser", Description = "parse json" });
        Assert.Equal(3, batch.Count);

        Assert.Null(memory.Reflexion.GetEpisode(first));
        Assert.Null(memory.Skills.GetSkill("json-parser"));

        batch.Execute();
        Assert.Equal(0, batch.Count);
        AgentDatabase store = memory.Stores.Store(MemoryKind.Reflexion);
        long lsn = store.Get(ReflexionMemory.Collection, first)!.Lsn;
        Assert.Equal(lsn, store.Get(ReflexionMemory.Collection, more[0])!.Lsn);
        Assert.Equal(lsn, store.Get(SkillLibrary.Collection, "json-parser")!.Lsn); // one log entry for all three
        Assert.NotNull(memory.Reflexion.GetEpisode(first));
    }

    [Fact]
    public void ABatchSpanningFunctionalShardsIsRefusedBeforeWritingAnything()
    {
        using var dir = new TempDirectory("agentdb-mem");
        using AgentMemory memory = Open(dir, new MemoryStoreLayout { Functional = true });
        MemoryBatch batch = memory.CreateBatch();
        string id = batch.StoreEpisode(new Episode { SessionId = "s", Task = "t one" });
        batch.CreateSkill(new Skill { Name = "k" });
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(batch.Execute);
        Assert.Contains("2 stores", error.Message, StringComparison.Ordinal);
        Assert.Null(memory.Reflexion.GetEpisode(id));
        Assert.Null(memory.Skills.GetSkill("k"));

        // Per kind it works.
        batch.Clear();
        batch.CreateSkill(new Skill { Name = "k" });
        batch.Execute();
        Assert.NotNull(memory.Skills.GetSkill("k"));
    }

    [Fact]
    public void AFailedQueuingPoisonsTheBatchUntilCleared()
    {
        using var dir = new TempDirectory("agentdb-mem");
        using AgentMemory memory = Open(dir);
        MemoryBatch batch = memory.CreateBatch();
        batch.StoreEpisode(new Episode { SessionId = "s", Task = "fine" });
        Assert.ThrowsAny<ArgumentException>(() => batch.StoreEpisode(new Episode { SessionId = "s", Task = "bad", Reward = double.NaN }));
        Assert.Throws<InvalidOperationException>(batch.Execute);
        Assert.Throws<InvalidOperationException>(() => batch.CreateSkill(new Skill { Name = "x" }));
        batch.Clear();
        batch.CreateSkill(new Skill { Name = "x" });
        batch.Execute();
        Assert.NotNull(memory.Skills.GetSkill("x"));
    }

    [Fact]
    public async Task ABatchInvalidatesCachedRetrievals()
    {
        using var dir = new TempDirectory("agentdb-mem");
        using AgentMemory memory = Open(dir);
        memory.Reflexion.StoreEpisode(new Episode { SessionId = "s", Task = "alpha beta" });
        var options = new EpisodeRetrievalOptions { K = 10 };
        Assert.Single(memory.Reflexion.RetrieveRelevant("alpha beta", options).Matches);
        Assert.Single(memory.Reflexion.RetrieveRelevant("alpha beta", options).Matches);
        long hits = memory.GetStats().CacheHits;
        Assert.True(hits >= 1);

        MemoryBatch batch = memory.CreateBatch();
        batch.StoreEpisode(new Episode { SessionId = "s", Task = "alpha gamma" });
        await batch.ExecuteAsync();
        Assert.Equal(2, memory.Reflexion.RetrieveRelevant("alpha beta", options).Matches.Count);
    }

    [Fact]
    public void ReopenKeepsDataAndRefusesAnotherEmbedder()
    {
        using var dir = new TempDirectory("agentdb-mem");
        string id;
        using (AgentMemory memory = Open(dir))
        {
            id = memory.Reflexion.StoreEpisode(new Episode { SessionId = "s", Task = "persisted task" });
            MemoryStats stats = memory.GetStats();
            Assert.Equal("stub", stats.Embedder);
            Assert.Single(stats.Stores);
        }

        using (AgentMemory memory = Open(dir))
        {
            Assert.Equal("persisted task", memory.Reflexion.GetEpisode(id)!.Task);
        }

        Assert.Throws<InvalidOperationException>(() => Open(dir, embedder: new StubEmbedder(32)));
    }
}

public sealed class AgentMemoryCausalTests
{
    [Fact]
    public void ABatchCarriesEpisodesAndTheCausalEdgeBetweenThemAtomically()
    {
        using var dir = new TempDirectory("agentdb-mem");
        using AgentMemory memory = AgentMemory.Open(dir.Path, new AgentMemoryOptions { Embedder = new StubEmbedder() });
        MemoryBatch batch = memory.CreateBatch();
        string cause = batch.StoreEpisode(new Episode { SessionId = "s", Task = "add retries", Reward = 0.9, Success = true });
        string effect = batch.StoreEpisode(new Episode { SessionId = "s", Task = "fewer timeouts", Reward = 0.8, Success = true });
        string edge = batch.AddCausalEdge(cause, effect, "retry", uplift: 0.4, confidence: 0.9, sampleSize: 12);
        Assert.Null(memory.Causal.GetEdge(cause, effect, "retry"));
        batch.Execute();

        Assert.Equal(edge, memory.Causal.GetEdge(cause, effect, "retry")!.Id);
        AgentDatabase store = memory.Stores.Store(MemoryKind.Causal);
        Assert.Equal(store.Get(ReflexionMemory.Collection, cause)!.Lsn, store.Get(AgentDb.Memory.Causal.CausalMemory.Collection, edge)!.Lsn);
    }
}

public sealed class AgentMemoryGraphTests
{
    [Fact]
    public void GraphOperationsJoinTheBatchAndAreCheckedAtExecution()
    {
        using var dir = new TempDirectory("agentdb-mem");
        using AgentMemory memory = AgentMemory.Open(dir.Path, new AgentMemoryOptions { Embedder = new StubEmbedder() });
        MemoryBatch batch = memory.CreateBatch();
        string agent = batch.AddNode(new AgentDb.Memory.Graph.GraphNodeInput { Labels = ["Agent"] });
        string tool = batch.AddNode(new AgentDb.Memory.Graph.GraphNodeInput { Id = "tool-1", Labels = ["Tool"] });
        string edge = batch.AddEdge(new AgentDb.Memory.Graph.GraphEdgeInput { From = agent, Type = "USES", To = tool });
        string episode = batch.StoreEpisode(new Episode { SessionId = "s", Task = "use the tool" });
        Assert.Null(memory.Graph.GetNode(agent));
        batch.Execute();
        Assert.Equal("tool-1", tool);
        Assert.NotNull(memory.Graph.GetNode(agent));
        Assert.Equal(agent, memory.Graph.GetEdge(edge)!.From);
        Assert.NotNull(memory.Reflexion.GetEpisode(episode));

        // An edge to a node that does not exist fails the whole batch at execution: the episode is not written either.
        string lost = batch.StoreEpisode(new Episode { SessionId = "s", Task = "never stored" });
        batch.AddEdge(new AgentDb.Memory.Graph.GraphEdgeInput { From = agent, Type = "USES", To = "missing" });
        Assert.Throws<KeyNotFoundException>(batch.Execute);
        Assert.Null(memory.Reflexion.GetEpisode(lost));
        Assert.Equal(0, batch.Count);

        // Deleting the node in a batch cascades its edges.
        batch.DeleteNode(agent);
        batch.Execute();
        Assert.Null(memory.Graph.GetNode(agent));
        Assert.Null(memory.Graph.GetEdge(edge));
    }
}

public sealed class AgentMemoryCacheTests
{
    [Fact]
    public async Task RetrievalsNeverMissAnEpisodeAcknowledgedBeforeThemWhileWritesRun()
    {
        using var dir = new TempDirectory("agentdb-mem");
        using AgentMemory memory = AgentMemory.Open(dir.Path, new AgentMemoryOptions
        {
            Embedder = new StubEmbedder(),
            Database = new AgentDatabaseOptions { Durability = Log.DurabilityMode.None },
        });
        float[] vector = new float[16];
        vector[3] = 1;
        var options = new EpisodeRetrievalOptions { K = 1_000 };
        int acknowledged = 0;
        int violations = 0;
        int reads = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        Task writer = Task.Run(() =>
        {
            for (int i = 1; i <= 300 && !stop.IsCancellationRequested; i++)
            {
                memory.Reflexion.StoreEpisode(new Episode { SessionId = "s", Task = $"task {i}", Vector = vector });
                Volatile.Write(ref acknowledged, i);

                // Let the reader read at least once between writes, so the two really interleave whatever the load.
                int readsBefore = Volatile.Read(ref reads);
                var spin = default(SpinWait);
                while (Volatile.Read(ref reads) == readsBefore && !stop.IsCancellationRequested)
                {
                    spin.SpinOnce();
                }
            }
        });
        Task reader = Task.Run(() =>
        {
            while (!writer.IsCompleted && !stop.IsCancellationRequested)
            {
                int before = Volatile.Read(ref acknowledged);
                int seen = memory.Reflexion.RetrieveRelevant(vector, options).Matches.Count;
                Interlocked.Increment(ref reads);
                if (seen < before)
                {
                    Interlocked.Increment(ref violations);
                }
            }
        });
        await Task.WhenAll(writer, reader).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(300, acknowledged);
        Assert.Equal(0, violations);
        Assert.True(reads >= 299, $"only {reads} reads overlapped the writes");
        Assert.Equal(300, memory.Reflexion.RetrieveRelevant(vector, options).Matches.Count);
        MemoryStats stats = memory.GetStats();
        Assert.True(stats.CacheInvalidations >= 300);
    }
}
