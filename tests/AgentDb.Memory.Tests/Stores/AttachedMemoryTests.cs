using AgentDb.Engine.Tests.Support;
using AgentDb.Kernels;
using AgentDb.Log;
using AgentDb.Memory.Reflexion;
using AgentDb.Memory.Skills;
using AgentDb.Memory.Stores;
using AgentDb.Memory.Tests.Support;

namespace AgentDb.Memory.Tests.Stores;

/// <summary>
/// <see cref="AgentMemory.Attach"/>: the memory inside a caller's database, written through its log — so a replica of
/// that database receives the memory too, and serves it from a query cache that replication invalidates.
/// </summary>
public sealed class AttachedMemoryTests
{
    private static AgentMemory Attach(AgentDatabase database, int dimension = 16) =>
        AgentMemory.Attach(database, new AgentMemoryOptions { Embedder = new StubEmbedder(dimension) });

    private static AgentDatabase OpenReplica(TempDirectory dir) =>
        AgentDatabase.Open(dir.Combine("replica"), new AgentDatabaseOptions { Role = DatabaseRole.Replica });

    /// <summary>Applies on <paramref name="replica"/> every entry of <paramref name="primary"/>'s log it does not hold.</summary>
    private static async Task Ship(AgentDatabase primary, AgentDatabase replica)
    {
        var entries = new List<LogRecord>();
        await foreach (LogRecord entry in primary.ReadLog(replica.LastLogLsn + 1))
        {
            entries.Add(entry);
        }

        replica.ApplyReplicated(entries);
    }

    private static int Matches(AgentMemory memory, string task) =>
        memory.Reflexion.RetrieveRelevant(task, new EpisodeRetrievalOptions { K = 10 }).Matches.Count;

    [Fact]
    public void TheMemoryLivesInTheDatabase_AndDisposingItLeavesTheDatabaseOpen()
    {
        using var dir = new TempDirectory("agentdb-attach");
        using var database = AgentDatabase.Open(dir.Combine("db"));
        database.CreateCollection("docs", 4, DistanceMetric.Cosine);
        string id;
        using (AgentMemory memory = Attach(database))
        {
            id = memory.Reflexion.StoreEpisode(new Episode { SessionId = "s", Task = "parse json file", Reward = 1, Success = true });
            memory.Skills.CreateSkill(new Skill { Name = "json-parser", Description = "parse json" });
            Assert.Equal(1, Matches(memory, "parse json file"));
            Assert.True(memory.CompleteSetup());
        }

        Assert.NotNull(database.Get(ReflexionMemory.Collection, id)); // still open, the episode is its record
        Assert.NotNull(database.Get(SkillLibrary.Collection, "json-parser"));
        Assert.NotNull(database.Get(MemoryMetadata.Collection, MemoryMetadata.RecordId));
        foreach (CollectionInfo collection in database.ListCollections())
        {
            Assert.True(collection.Name == "docs" || collection.Name.StartsWith(AgentMemory.CollectionPrefix, StringComparison.Ordinal), collection.Name);
        }

        using AgentMemory reopened = Attach(database);
        Assert.Equal("parse json file", reopened.Reflexion.GetEpisode(id)!.Task);
    }

    [Fact]
    public void ADatabaseKeepsTheEmbedderItsMemoryWasWrittenWith()
    {
        using var dir = new TempDirectory("agentdb-attach");
        using var database = AgentDatabase.Open(dir.Combine("db"));
        using (AgentMemory memory = Attach(database, dimension: 16))
        {
            memory.Reflexion.StoreEpisode(new Episode { SessionId = "s", Task = "t", Reward = 1 });
        }

        InvalidOperationException refused = Assert.Throws<InvalidOperationException>(() => Attach(database, dimension: 8));
        Assert.Contains("embedder 'stub' (16 dimensions)", refused.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => AgentMemory.Attach(
            database, new AgentMemoryOptions { Embedder = new StubEmbedder(), Layout = new MemoryStoreLayout { SessionShards = 2 } }));
    }

    [Fact]
    public async Task AReplicaServesThePrimarysMemory_AndReplicationInvalidatesItsCache()
    {
        using var dir = new TempDirectory("agentdb-attach");
        using var primaryDb = AgentDatabase.Open(dir.Combine("primary"));
        using var replicaDb = OpenReplica(dir);
        using AgentMemory primary = Attach(primaryDb);
        using AgentMemory replica = Attach(replicaDb); // nothing replicated yet: its setup waits, nothing is written
        Assert.False(replica.CompleteSetup());
        Assert.Empty(replicaDb.ListCollections());
        Assert.Throws<CollectionNotFoundException>(() => Matches(replica, "parse json file"));

        primary.Reflexion.StoreEpisode(new Episode { SessionId = "s", Task = "parse json file", Reward = 1, Success = true });
        await Ship(primaryDb, replicaDb);
        Assert.Equal(1, Matches(replica, "parse json file"));
        Assert.Equal(1, Matches(replica, "parse json file")); // now cached
        long hits = replica.Cache.Hits;
        Assert.True(hits > 0);

        primary.Reflexion.StoreEpisode(new Episode { SessionId = "s", Task = "parse json file", Reward = 0.5 });
        Assert.Equal(1, Matches(replica, "parse json file")); // not shipped yet
        await Ship(primaryDb, replicaDb);
        Assert.Equal(2, Matches(replica, "parse json file")); // the apply invalidated the cached answer
        Assert.Equal(Digest(primaryDb), Digest(replicaDb));

        Assert.Throws<NotPrimaryException>(() => replica.Reflexion.StoreEpisode(new Episode { SessionId = "s", Task = "t", Reward = 1 }));
    }

    [Fact]
    public void APromotedReplicaCompletesItsSetup_AndTakesMemoryWrites()
    {
        using var dir = new TempDirectory("agentdb-attach");
        using var replicaDb = OpenReplica(dir);
        using AgentMemory memory = Attach(replicaDb);
        Assert.False(memory.CompleteSetup());
        Assert.Empty(replicaDb.ListCollections());

        replicaDb.PromoteToPrimary();
        Assert.True(memory.CompleteSetup());
        Assert.NotNull(replicaDb.Get(MemoryMetadata.Collection, MemoryMetadata.RecordId));
        Assert.False(replicaDb.CreatePayloadIndex(ReflexionMemory.Collection, "session")); // the setup created it
        string id = memory.Reflexion.StoreEpisode(new Episode { SessionId = "s", Task = "parse json file", Reward = 1 });
        Assert.Equal(1, Matches(memory, "parse json file"));
        Assert.NotNull(memory.Reflexion.GetEpisode(id));
    }

    /// <summary>Every collection (name, dimension, metric) and record (id, payload, vector, LSN) in order.</summary>
    private static string Digest(AgentDatabase database)
    {
        var text = new System.Text.StringBuilder();
        var names = new List<string>();
        foreach (CollectionInfo collection in database.ListCollections())
        {
            names.Add(collection.Name);
        }

        names.Sort(StringComparer.Ordinal);
        foreach (string name in names)
        {
            text.Append(name).Append('\n');
            foreach (StoredRecord record in database.ScanRange(name, null, null, 100_000))
            {
                text.Append(record.Id).Append(' ').Append(Convert.ToHexString(record.Payload)).Append(' ')
                    .Append(record.Lsn).Append(' ').Append(record.Vector is null ? "-" : string.Join(',', record.Vector)).Append('\n');
            }
        }

        return text.ToString();
    }
}
