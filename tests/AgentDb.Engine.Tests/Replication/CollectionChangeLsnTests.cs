using AgentDb.Engine.Tests.Support;
using AgentDb.Kernels;
using AgentDb.Log;
using static AgentDb.Engine.Tests.Replication.ReplicaTestHelpers;
using static AgentDb.Engine.Tests.Storage.DatabaseTestHelpers;

namespace AgentDb.Engine.Tests.Replication;

/// <summary>
/// <see cref="AgentDatabase.TryGetCollectionChangeLsn"/>: the LSN of the last entry that changed a collection (write,
/// creation, payload index), moved by nothing else; a dropped collection reports the drop's LSN — on a primary and on
/// a replica applying the same entries, and after a reopen.
/// </summary>
public sealed class CollectionChangeLsnTests
{
    private static long ChangeLsn(AgentDatabase database, string name)
    {
        Assert.True(database.TryGetCollectionChangeLsn(name, out long lsn), name);
        return lsn;
    }

    [Fact]
    public async Task EachChangeMovesOnlyItsCollection_OnThePrimaryAndTheReplica()
    {
        using var dir = new TempDirectory();
        using var primary = AgentDatabase.Open(dir.Combine("primary"), Options());
        using var replica = AgentDatabase.Open(dir.Combine("replica"), ReplicaOptions());
        Assert.False(primary.TryGetCollectionChangeLsn("a", out long none));
        Assert.Equal(0, none); // nothing dropped yet
        Assert.Throws<ArgumentNullException>(() => primary.TryGetCollectionChangeLsn(null!, out _));

        primary.CreateCollection("a", 8, DistanceMetric.Cosine);
        long createA = primary.LastLogLsn;
        primary.CreateCollection("b", 8, DistanceMetric.Cosine);
        long createB = primary.LastLogLsn;
        Assert.Equal(createA, ChangeLsn(primary, "a"));
        Assert.Equal(createB, ChangeLsn(primary, "b"));

        long writeA = primary.Upsert("a", "x", Payload("n", "s"), Vector(8, 1));
        Assert.Equal(writeA, ChangeLsn(primary, "a"));
        Assert.Equal(createB, ChangeLsn(primary, "b")); // a write to another collection leaves it

        Assert.True(primary.CreatePayloadIndex("b", "session"));
        long indexB = primary.LastLogLsn;
        Assert.Equal(indexB, ChangeLsn(primary, "b"));
        Assert.Equal(writeA, ChangeLsn(primary, "a"));

        Assert.True(primary.Delete("a", "x"));
        long deleteA = primary.LastLogLsn;
        Assert.Equal(deleteA, ChangeLsn(primary, "a"));

        Assert.True(primary.DropCollection("b"));
        long dropB = primary.LastLogLsn;
        Assert.False(primary.TryGetCollectionChangeLsn("b", out long dropped));
        Assert.Equal(dropB, dropped);
        Assert.Equal(deleteA, ChangeLsn(primary, "a"));

        // The replica applies the same entries through the replicated path: the same values.
        List<LogRecord> entries = await ReadAll(primary);
        Assert.Equal(entries.Count, replica.ApplyReplicated(entries));
        Assert.Equal(deleteA, ChangeLsn(replica, "a"));
        Assert.False(replica.TryGetCollectionChangeLsn("b", out long replicaDropped));
        Assert.Equal(dropB, replicaDropped);

        // Recreated under the same name: a new value, the creation's.
        primary.CreateCollection("b", 8, DistanceMetric.Cosine);
        long recreateB = primary.LastLogLsn;
        Assert.Equal(recreateB, ChangeLsn(primary, "b"));
        Assert.Equal(1, replica.ApplyReplicated(await ReadAll(primary, replica.LastLogLsn + 1)));
        Assert.Equal(recreateB, ChangeLsn(replica, "b"));
    }

    [Fact]
    public void AfterAReopen_ACollectionReportsTheLsnTheDatabaseOpenedAt()
    {
        using var dir = new TempDirectory();
        long opened;
        using (var database = AgentDatabase.Open(dir.Combine("db"), Options()))
        {
            database.CreateCollection("a", 4, DistanceMetric.Cosine);
            database.CreateCollection("b", 4, DistanceMetric.Cosine);
            database.Upsert("a", "x", Payload("n", "s"), Vector(4, 1));
            opened = database.LastLogLsn;
        }

        using (var database = AgentDatabase.Open(dir.Combine("db"), Options()))
        {
            Assert.Equal(opened, database.AppliedLsn);
            Assert.Equal(opened, ChangeLsn(database, "a"));
            Assert.Equal(opened, ChangeLsn(database, "b"));
            long write = database.Upsert("b", "y", Payload("n", "s"), Vector(4, 2));
            Assert.Equal(write, ChangeLsn(database, "b"));
            Assert.Equal(opened, ChangeLsn(database, "a"));
        }
    }
}
