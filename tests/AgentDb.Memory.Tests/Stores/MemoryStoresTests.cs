using AgentDb.Engine.Tests.Support;
using AgentDb.Memory.Stores;

namespace AgentDb.Memory.Tests.Stores;

public sealed class MemoryStoresTests
{
    [Fact]
    public void UnshardedLayoutSharesOneStore()
    {
        using var dir = new TempDirectory("agentdb-mem");
        using MemoryStores stores = MemoryStores.Open(dir.Path, new MemoryStoreLayout(), "stub", 8);
        Assert.Single(stores.All);
        Assert.Same(stores.Store(MemoryKind.Reflexion), stores.Store(MemoryKind.Graph));
        Assert.Equal(0, stores.ShardOf(MemoryKind.Reflexion, "session-1"));
        Assert.True(Directory.Exists(Path.Combine(dir.Path, "stores", "main")));
    }

    [Fact]
    public void FunctionalAndSessionShardsGetTheirOwnStores()
    {
        using var dir = new TempDirectory("agentdb-mem");
        var layout = new MemoryStoreLayout { Functional = true, SessionShards = 4 };
        using MemoryStores stores = MemoryStores.Open(dir.Path, layout, "stub", 8);
        Assert.Equal(4 + 3, stores.All.Count);
        Assert.Equal(4, stores.ShardCount(MemoryKind.Reflexion));
        Assert.Equal(1, stores.ShardCount(MemoryKind.Skills));
        Assert.NotSame(stores.Store(MemoryKind.Skills), stores.Store(MemoryKind.Causal));
        foreach (string name in new[] { "reflexion", "reflexion-shard1", "reflexion-shard3", "skills", "causal", "graph" })
        {
            Assert.True(Directory.Exists(Path.Combine(dir.Path, "stores", name)), name);
        }

        var used = new HashSet<int>();
        for (int i = 0; i < 64; i++)
        {
            int shard = stores.ShardOf(MemoryKind.Reflexion, $"session-{i}");
            Assert.InRange(shard, 0, 3);
            Assert.Equal(shard, stores.ShardOf(MemoryKind.Reflexion, $"session-{i}"));
            used.Add(shard);
        }

        Assert.Equal(4, used.Count);
        Assert.Equal(0, stores.ShardOf(MemoryKind.Skills, "session-5"));
    }

    [Fact]
    public void ReopeningWithAnotherLayoutOrEmbedderIsRefused()
    {
        using var dir = new TempDirectory("agentdb-mem");
        using (MemoryStores.Open(dir.Path, new MemoryStoreLayout { SessionShards = 2 }, "stub", 8))
        {
        }

        InvalidOperationException layout = Assert.Throws<InvalidOperationException>(() => MemoryStores.Open(dir.Path, new MemoryStoreLayout(), "stub", 8));
        Assert.Contains("SessionShards=2", layout.Message, StringComparison.Ordinal);
        InvalidOperationException model = Assert.Throws<InvalidOperationException>(() => MemoryStores.Open(dir.Path, new MemoryStoreLayout { SessionShards = 2 }, "other", 8));
        Assert.Contains("embedder 'stub'", model.Message, StringComparison.Ordinal);
        using MemoryStores again = MemoryStores.Open(dir.Path, new MemoryStoreLayout { SessionShards = 2 }, "stub", 8);
        Assert.Equal(2, again.ShardCount(MemoryKind.Reflexion));
    }

    [Fact]
    public void CorruptLayoutFileAndBadShardCountGiveClearErrors()
    {
        using var dir = new TempDirectory("agentdb-mem");
        File.WriteAllText(Path.Combine(dir.Path, MemoryStores.LayoutFileName), "{not json");
        Assert.Throws<InvalidDataException>(() => MemoryStores.Open(dir.Path, new MemoryStoreLayout(), "stub", 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => MemoryStores.Open(dir.Path, new MemoryStoreLayout { SessionShards = 0 }, "stub", 8));
    }
}
