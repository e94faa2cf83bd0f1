using AgentDb.Engine.Tests.Support;
using AgentDb.Memory.Graph;
using AgentDb.Memory.Reflexion;
using AgentDb.Memory.Skills;
using AgentDb.Memory.Stores;
using AgentDb.Memory.Tests.Support;

namespace AgentDb.Memory.Tests;

/// <summary>
/// The asynchronous write paths (issue #8): skills, graph, causal and batches await their commit without blocking a
/// thread, and concurrent read-modify-writes of one skill lose no update although the skill's stripe is released before
/// the commit wait. Default durability (the group commit), so writes really are pending while others stage.
/// </summary>
public sealed class AsyncWriteTests
{
    private static AgentMemory Open(TempDirectory dir, MemoryStoreLayout? layout = null) =>
        AgentMemory.Open(dir.Path, new AgentMemoryOptions { Embedder = new StubEmbedder(), Layout = layout ?? new MemoryStoreLayout() });

    private static Skill NewSkill(string name, long uses = 0, double successRate = 0) => new()
    {
        Name = name,
        Description = "does " + name,
        Code = "return x;",
        Uses = uses,
        SuccessRate = successRate,
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RecordUseAsync_ConcurrentCallsForOneSkill_LoseNoUpdate(bool sharded)
    {
        using var dir = new TempDirectory("agentdb-async");
        using AgentMemory memory = Open(dir, sharded ? new MemoryStoreLayout { Functional = true, SessionShards = 3 } : null);
        await memory.Skills.CreateSkillAsync(NewSkill("hot"));
        const int tasks = 64;
        const int perTask = 8;

        // Task t: uses with success on even i (reward 1, else 0) and latency t; a quarter of them through the sync form.
        Task[] running = new Task[tasks];
        for (int t = 0; t < tasks; t++)
        {
            int task = t;
            running[t] = Task.Run(async () =>
            {
                for (int i = 0; i < perTask; i++)
                {
                    bool success = i % 2 == 0;
                    if (task % 4 == 0)
                    {
                        memory.Skills.RecordUse("hot", success, success ? 1 : 0, task);
                    }
                    else
                    {
                        await memory.Skills.RecordUseAsync("hot", success, success ? 1 : 0, task);
                    }
                }
            });
        }

        await Task.WhenAll(running).WaitAsync(TimeSpan.FromSeconds(60));

        Skill skill = memory.Skills.GetSkill("hot")!;
        Assert.Equal(tasks * perTask, skill.Uses);
        Assert.Equal(0.5, skill.SuccessRate, 9);
        Assert.Equal(0.5, skill.AverageReward, 9);
        Assert.Equal((tasks - 1) / 2.0, skill.AverageLatencyMs, 9); // mean of 0..63
        Assert.Equal("return x;", skill.Code);
    }

    [Fact]
    public async Task RecordUseAsync_StartedBeforeAnUpsertIsDurable_BuildsOnTheUpsert()
    {
        using var dir = new TempDirectory("agentdb-async");
        using AgentMemory memory = Open(dir);
        await memory.Skills.CreateSkillAsync(NewSkill("s", uses: 100, successRate: 1));

        // Not awaited in between: each write starts from the one staged before it, applied or not.
        ValueTask upsert = memory.Skills.UpsertSkillAsync(NewSkill("s", uses: 3, successRate: 0) with { Code = "v2" });
        ValueTask<Skill> first = memory.Skills.RecordUseAsync("s", success: true, reward: 1, latencyMs: 10);
        ValueTask<Skill> second = memory.Skills.RecordUseAsync("s", success: true, reward: 1, latencyMs: 10);
        await upsert;
        Skill afterFirst = await first;
        Skill afterSecond = await second;

        Assert.Equal(4, afterFirst.Uses);
        Assert.Equal(5, afterSecond.Uses);
        Assert.Equal(0.4, afterSecond.SuccessRate, 12);
        Skill stored = memory.Skills.GetSkill("s")!;
        Assert.Equal(5, stored.Uses);
        Assert.Equal("v2", stored.Code);
    }

    [Fact]
    public async Task CreateSkillAsync_RefusesANameStagedButNotYetApplied()
    {
        using var dir = new TempDirectory("agentdb-async");
        using AgentMemory memory = Open(dir);
        ValueTask created = memory.Skills.CreateSkillAsync(NewSkill("once"));

        await Assert.ThrowsAsync<SkillAlreadyExistsException>(async () => await memory.Skills.CreateSkillAsync(NewSkill("once")));
        await created;
        await Assert.ThrowsAsync<KeyNotFoundException>(async () => await memory.Skills.RecordUseAsync("nobody", true, 1, 1));
        Assert.Equal(0, memory.Skills.GetSkill("once")!.Uses);
    }

    [Fact]
    public async Task ConsolidateEpisodesAsync_MatchesTheSyncForm()
    {
        using var dir = new TempDirectory("agentdb-async");
        using AgentMemory memory = Open(dir);
        for (int i = 0; i < 4; i++)
        {
            await memory.Reflexion.StoreEpisodeAsync(new Episode { SessionId = "s", Task = "sort numbers", Output = "heap", Reward = 0.9, Success = true });
        }

        SkillConsolidationResult first = await memory.Skills.ConsolidateEpisodesAsync(new SkillConsolidationOptions { MinAttempts = 3 });
        SkillConsolidationResult again = memory.Skills.ConsolidateEpisodes(new SkillConsolidationOptions { MinAttempts = 3 });

        Assert.Equal(["sort numbers"], first.Created);
        Assert.Empty(again.Created);
        Assert.Equal(["sort numbers"], again.Unchanged);
        Assert.Equal(4, memory.Skills.GetSkill("sort numbers")!.Uses);
    }

    [Fact]
    public async Task GraphAsyncWrites_ConcurrentNodesAndEdges_AllLand_AndDeleteCascades()
    {
        using var dir = new TempDirectory("agentdb-async");
        using AgentMemory memory = Open(dir);
        const int nodes = 100;
        var adds = new Task<string>[nodes];
        for (int i = 0; i < nodes; i++)
        {
            adds[i] = memory.Graph.AddNodeAsync(new GraphNodeInput { Id = "n" + i, Labels = ["Agent"] }).AsTask();
        }

        await Task.WhenAll(adds).WaitAsync(TimeSpan.FromSeconds(60));
        var edges = new Task<string>[nodes];
        for (int i = 0; i < nodes; i++)
        {
            edges[i] = memory.Graph.AddEdgeAsync(new GraphEdgeInput { From = "n" + i, Type = "next", To = "n" + ((i + 1) % nodes) }).AsTask();
        }

        await Task.WhenAll(edges).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(nodes, memory.Graph.NodeCount);
        Assert.Equal(nodes, memory.Graph.EdgeCount);

        IReadOnlyList<string> more = await memory.Graph.AddNodesAsync([new GraphNodeInput { Id = "x" }, new GraphNodeInput { Id = "y" }]);
        IReadOnlyList<string> moreEdges = await memory.Graph.AddEdgesAsync([new GraphEdgeInput { From = "x", Type = "t", To = "y" }]);
        await memory.Graph.UpsertNodeAsync(new GraphNodeInput { Id = "x", Labels = ["Tool"] });
        Assert.Equal(["x", "y"], more);
        Assert.Equal(["Tool"], memory.Graph.GetNode("x")!.Labels);
        Assert.True(await memory.Graph.DeleteEdgeAsync(moreEdges[0]));
        Assert.False(await memory.Graph.DeleteEdgeAsync(moreEdges[0]));

        Assert.True(await memory.Graph.DeleteNodeAsync("n0")); // its two edges go with it
        Assert.Equal(nodes + 1, memory.Graph.NodeCount);
        Assert.Equal(nodes - 2, memory.Graph.EdgeCount);
        await Assert.ThrowsAsync<KeyNotFoundException>(async () => await memory.Graph.AddEdgeAsync(new GraphEdgeInput { From = "n0", Type = "t", To = "n1" }));
        await Assert.ThrowsAsync<ArgumentException>(async () => await memory.Graph.AddNodeAsync(new GraphNodeInput { Id = "n1" }));
    }

    [Fact]
    public async Task CausalRemoveEdgeAsync_And_BatchExecuteAsyncWithGraphOperations()
    {
        using var dir = new TempDirectory("agentdb-async");
        using AgentMemory memory = Open(dir);
        await memory.Causal.AddEdgeAsync("a", "b", "m", 0.5, 0.9);
        Assert.True(await memory.Causal.RemoveEdgeAsync("a", "b", "m"));
        Assert.False(await memory.Causal.RemoveEdgeAsync("a", "b", "m"));
        Assert.Null(memory.Causal.GetEdge("a", "b", "m"));

        MemoryBatch batch = memory.CreateBatch();
        batch.AddNode(new GraphNodeInput { Id = "p" });
        batch.AddNode(new GraphNodeInput { Id = "q" });
        batch.AddEdge(new GraphEdgeInput { From = "p", Type = "t", To = "q" });
        batch.UpsertSkill(NewSkill("batched"));
        await batch.ExecuteAsync();
        Assert.Equal(2, memory.Graph.NodeCount);
        Assert.Equal(1, memory.Graph.EdgeCount);
        Assert.NotNull(memory.Skills.GetSkill("batched"));

        // A failing graph operation writes nothing and releases the graph's gate.
        batch.AddEdge(new GraphEdgeInput { From = "p", Type = "t", To = "missing" });
        batch.UpsertSkill(NewSkill("not-written"));
        await Assert.ThrowsAsync<KeyNotFoundException>(async () => await batch.ExecuteAsync());
        Assert.Null(memory.Skills.GetSkill("not-written"));
        await memory.Graph.AddEdgeAsync(new GraphEdgeInput { From = "q", Type = "t", To = "p" }).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, memory.Graph.EdgeCount);
    }

    [Fact]
    public async Task GraphAsyncWrites_NotAwaitedInBetween_SeeEachOtherInFlight()
    {
        using var dir = new TempDirectory("agentdb-async");
        using AgentMemory memory = Open(dir);
        for (int round = 0; round < 20; round++)
        {
            string a = "a" + round, b = "b" + round;

            // Each write starts before the previous one is durable (the group commit has not run): its checks must see them.
            ValueTask<string> addA = memory.Graph.AddNodeAsync(new GraphNodeInput { Id = a });
            ValueTask<string> addB = memory.Graph.AddNodeAsync(new GraphNodeInput { Id = b });
            ValueTask<string> duplicate = memory.Graph.AddNodeAsync(new GraphNodeInput { Id = a });
            ValueTask<string> edge = memory.Graph.AddEdgeAsync(new GraphEdgeInput { From = a, Type = "t", To = b, Id = "e" + round });
            ValueTask<string> sameEdge = memory.Graph.AddEdgeAsync(new GraphEdgeInput { From = b, Type = "t", To = a, Id = "e" + round });
            ValueTask<string> back = memory.Graph.AddEdgeAsync(new GraphEdgeInput { From = b, Type = "t", To = a });
            ValueTask<bool> deleteA = memory.Graph.DeleteNodeAsync(a); // must cascade both edges, in flight or not

            Assert.Equal(a, await addA);
            Assert.Equal(b, await addB);
            await Assert.ThrowsAsync<ArgumentException>(async () => await duplicate);
            Assert.Equal("e" + round, await edge);
            await Assert.ThrowsAsync<ArgumentException>(async () => await sameEdge);
            await back;
            Assert.True(await deleteA);
        }

        Assert.Equal(20, memory.Graph.NodeCount); // the b nodes
        Assert.Equal(0, memory.Graph.EdgeCount); // every edge went with its a node
        for (int round = 0; round < 20; round++)
        {
            Assert.Empty(memory.Graph.Neighbors("b" + round, GraphDirection.Both));
        }
    }
}
