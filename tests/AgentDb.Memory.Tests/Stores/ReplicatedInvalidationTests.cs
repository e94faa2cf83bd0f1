using AgentDb.Engine.Tests.Support;
using AgentDb.Kernels;
using AgentDb.Log;
using AgentDb.Memory.Caching;
using AgentDb.Memory.Causal;
using AgentDb.Memory.Graph;
using AgentDb.Memory.Reflexion;
using AgentDb.Memory.Skills;
using AgentDb.Memory.Tests.Support;

namespace AgentDb.Memory.Tests.Stores;

/// <summary>
/// A replica-attached memory's query cache after replicated applies: only the kinds of memory whose collections the
/// applied entries changed (writes, creations, drops, payload indexes) are invalidated; the others stay cached.
/// </summary>
public sealed class ReplicatedInvalidationTests
{
    private const string Task = "parse json file";

    private static AgentMemory Attach(AgentDatabase database) =>
        AgentMemory.Attach(database, new AgentMemoryOptions { Embedder = new StubEmbedder(16) });

    /// <summary>Applies on <paramref name="replica"/> every entry of <paramref name="primary"/>'s log it does not hold.</summary>
    private static async Task Ship(AgentDatabase primary, AgentDatabase replica)
    {
        var entries = new List<LogRecord>();
        await foreach (LogRecord entry in primary.ReadLog(replica.LastLogLsn + 1))
        {
            entries.Add(entry);
        }

        Assert.NotEmpty(entries);
        replica.ApplyReplicated(entries);
    }

    private static int Episodes(AgentMemory memory) =>
        memory.Reflexion.RetrieveRelevant(Task, new EpisodeRetrievalOptions { K = 10 }).Matches.Count;

    private static SkillSearchResult SearchSkills(AgentMemory memory) => memory.Skills.SearchSkills("parse json");

    private static CausalEdgeQueryResult Effects(AgentMemory memory) => memory.Causal.QueryEffects("cause");

    private static IReadOnlyList<GraphNeighbor> Neighbors(AgentMemory memory) => memory.Graph.Neighbors("n1");

    /// <summary>
    /// A primary memory with one of everything, shipped to a replica memory (the first apply invalidates every kind:
    /// nothing is known before it), then every query below run once on the replica so that it is cached.
    /// </summary>
    private sealed class Pair : IDisposable
    {
        private readonly TempDirectory _dir = new("agentdb-replinv");

        private Pair()
        {
            PrimaryDb = AgentDatabase.Open(_dir.Combine("primary"));
            ReplicaDb = AgentDatabase.Open(_dir.Combine("replica"), new AgentDatabaseOptions { Role = DatabaseRole.Replica });
            Primary = Attach(PrimaryDb);
            Replica = Attach(ReplicaDb);
        }

        public AgentDatabase PrimaryDb { get; }

        public AgentDatabase ReplicaDb { get; }

        public AgentMemory Primary { get; }

        public AgentMemory Replica { get; }

        public static async Task<Pair> CreateWarm()
        {
            var pair = new Pair();
            pair.Primary.Reflexion.StoreEpisode(new Episode { SessionId = "s", Task = Task, Reward = 1, Success = true });
            pair.Primary.Skills.CreateSkill(new Skill { Name = "json-parser", Description = "parse json" });
            pair.Primary.Causal.AddEdge("cause", "effect", "because", uplift: 0.5, confidence: 0.9);
            string n1 = pair.Primary.Graph.AddNode(["task"], id: "n1");
            string n2 = pair.Primary.Graph.AddNode(["task"], id: "n2");
            pair.Primary.Graph.AddEdge(n1, "next", n2);
            await Ship(pair.PrimaryDb, pair.ReplicaDb);

            Assert.Equal(1, Episodes(pair.Replica));
            Assert.Single(SearchSkills(pair.Replica).Matches);
            Assert.Single(Effects(pair.Replica).Edges);
            Assert.Single(Neighbors(pair.Replica));
            return pair;
        }

        public void Dispose()
        {
            Replica.Dispose();
            Primary.Dispose();
            ReplicaDb.Dispose();
            PrimaryDb.Dispose();
            _dir.Dispose();
        }
    }

    [Fact]
    public async Task AReplicatedEpisode_RecomputesEpisodeRetrievals_AndLeavesSkillCausalAndGraphQueriesCached()
    {
        using Pair pair = await Pair.CreateWarm();
        AgentMemory replica = pair.Replica;
        SkillSearchResult skills = SearchSkills(replica);
        CausalEdgeQueryResult effects = Effects(replica);
        IReadOnlyList<GraphNeighbor> neighbors = Neighbors(replica);

        pair.Primary.Reflexion.StoreEpisode(new Episode { SessionId = "s", Task = Task, Reward = 0.5 });
        await Ship(pair.PrimaryDb, pair.ReplicaDb);

        long hits = replica.Cache.Hits;
        Assert.Same(skills, SearchSkills(replica));
        Assert.Same(effects, Effects(replica));
        Assert.Same(neighbors, Neighbors(replica));
        Assert.Equal(hits + 3, replica.Cache.Hits); // served from the cache: episodes are not their collections

        long misses = replica.Cache.Misses;
        Assert.Equal(2, Episodes(replica)); // recomputed: it sees the replicated episode
        Assert.Equal(misses + 1, replica.Cache.Misses);
    }

    [Fact]
    public async Task AReplicatedSkill_RecomputesSkillSearches_AndLeavesEpisodeRetrievalsCached()
    {
        using Pair pair = await Pair.CreateWarm();
        AgentMemory replica = pair.Replica;
        Assert.Equal(1, Episodes(replica));

        pair.Primary.Skills.CreateSkill(new Skill { Name = "json-writer", Description = "parse json and write it" });
        await Ship(pair.PrimaryDb, pair.ReplicaDb);

        Assert.Equal(2, SearchSkills(replica).Matches.Count); // recomputed: both skills
        long hits = replica.Cache.Hits;
        Assert.Equal(1, Episodes(replica));
        Assert.Equal(hits + 1, replica.Cache.Hits);
    }

    [Fact]
    public async Task AReplicatedDropAndCreate_InvalidateTheirKind_AndOnlyIt()
    {
        using Pair pair = await Pair.CreateWarm();
        AgentMemory replica = pair.Replica;

        Assert.True(pair.PrimaryDb.DropCollection(SkillLibrary.Collection));
        await Ship(pair.PrimaryDb, pair.ReplicaDb);
        Assert.Throws<CollectionNotFoundException>(() => SearchSkills(replica)); // not the cached search of the dropped collection
        long hits = replica.Cache.Hits;
        Assert.Equal(1, Episodes(replica));
        Assert.Single(Neighbors(replica));
        Assert.Equal(hits + 2, replica.Cache.Hits);

        pair.PrimaryDb.CreateCollection(SkillLibrary.Collection, 16, DistanceMetric.Cosine);
        await Ship(pair.PrimaryDb, pair.ReplicaDb);
        Assert.Empty(SearchSkills(replica).Matches); // the new, empty collection
        Assert.Empty(SearchSkills(replica).Matches);

        // Dropped while nothing else changes in between: its kind is invalidated again, the others stay.
        Assert.True(pair.PrimaryDb.DropCollection(SkillLibrary.Collection));
        await Ship(pair.PrimaryDb, pair.ReplicaDb);
        Assert.Throws<CollectionNotFoundException>(() => SearchSkills(replica));
        hits = replica.Cache.Hits;
        Assert.Single(Effects(replica).Edges);
        Assert.Equal(hits + 1, replica.Cache.Hits);
    }

    [Fact]
    public async Task AReplicatedPayloadIndex_InvalidatesItsKind_AndOnlyIt()
    {
        using Pair pair = await Pair.CreateWarm();
        AgentMemory replica = pair.Replica;

        Assert.True(pair.PrimaryDb.CreatePayloadIndex(GraphStore.NodesCollection, "extra"));
        await Ship(pair.PrimaryDb, pair.ReplicaDb);

        long misses = replica.Cache.Misses;
        Assert.Single(Neighbors(replica));
        Assert.Equal(misses + 1, replica.Cache.Misses);
        long hits = replica.Cache.Hits;
        Assert.Single(SearchSkills(replica).Matches);
        Assert.Equal(hits + 1, replica.Cache.Hits);
    }

    [Fact]
    public void EveryCollectionOfTheMemory_IsTrackedUnderItsKind()
    {
        using var dir = new TempDirectory("agentdb-replinv");
        using var database = AgentDatabase.Open(dir.Combine("db"));
        using (AgentMemory memory = Attach(database))
        {
            memory.Reflexion.StoreEpisode(new Episode { SessionId = "s", Task = Task, Reward = 1, Success = true });
            memory.Skills.CreateSkill(new Skill { Name = "json-parser", Description = "parse json" });
            memory.Causal.AddEdge("cause", "effect", "because", uplift: 0.5, confidence: 0.9);
            memory.Graph.AddEdge(memory.Graph.AddNode(["a"]), "next", memory.Graph.AddNode(["b"]));
            memory.Skills.ConsolidateEpisodes();
        }

        var tracked = new Dictionary<string, MemoryScope>(StringComparer.Ordinal);
        foreach ((string name, MemoryScope scope) in ReplicatedInvalidation.Collections)
        {
            tracked.Add(name, scope);
        }

        foreach (CollectionInfo collection in database.ListCollections())
        {
            Assert.True(tracked.ContainsKey(collection.Name), $"{collection.Name} is not tracked: a replicated write to it would not invalidate the cache");
        }

        Assert.Equal(MemoryScope.Reflexion, tracked[ReflexionMemory.Collection]);
        Assert.Equal(MemoryScope.Reflexion, tracked[ReflexionMemory.TaskIndexCollection]);
        Assert.Equal(MemoryScope.Skills, tracked[SkillLibrary.Collection]);
        Assert.Equal(MemoryScope.Causal, tracked[CausalMemory.OutgoingCollection]);
        Assert.Equal(MemoryScope.Graph, tracked[GraphStore.AdjacencyCollection]);
    }
}
