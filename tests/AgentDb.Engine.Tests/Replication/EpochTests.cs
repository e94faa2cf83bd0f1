using AgentDb.Engine.Tests.Support;
using AgentDb.Kernels;
using AgentDb.Log;
using static AgentDb.Engine.Tests.Replication.ReplicaTestHelpers;
using static AgentDb.Engine.Tests.Storage.DatabaseTestHelpers;

namespace AgentDb.Engine.Tests.Replication;

/// <summary>Epochs (failover): the epoch marker entry, the epoch history beside the log, its replication, and demotion.</summary>
public sealed class EpochTests
{
    [Fact]
    public async Task BeginEpoch_RecordsTheMarker_ReplicasLearnIt_AndItSurvivesAReopen()
    {
        using var dir = new TempDirectory();
        long marker;
        using (var primary = AgentDatabase.Open(dir.Combine("primary"), ReplicaOptions()))
        {
            primary.PromoteToPrimary();
            Assert.Equal(0, primary.CurrentEpoch);
            primary.CreateCollection("c", 4, DistanceMetric.L2Squared);
            primary.Upsert("c", "before", Payload("n", "s"), Vector(4, 1));
            long beforeEpoch = primary.LastLogLsn;
            marker = primary.BeginEpoch(7);
            Assert.Equal(beforeEpoch + 1, marker);
            Assert.Equal(marker, primary.AppliedLsn); // the marker applies (no record changes) like any entry
            primary.Upsert("c", "after", Payload("n", "s"), Vector(4, 2));
            Assert.Equal(7, primary.CurrentEpoch);
            Assert.Equal([new EpochStart(7, marker)], primary.GetEpochHistory());
            Assert.Equal(marker - 1, primary.GetEpochEndLsn(6));
            Assert.Equal(primary.LastLogLsn, primary.GetEpochEndLsn(7));
            Assert.Equal(0, primary.GetEpochAt(marker - 1));
            Assert.Equal(7, primary.GetEpochAt(marker + 1));
            Assert.Throws<ArgumentOutOfRangeException>(() => primary.BeginEpoch(7)); // epochs only grow

            using var replica = AgentDatabase.Open(dir.Combine("replica"), ReplicaOptions());
            List<LogRecord> entries = await ReadAll(primary);
            Assert.Equal(entries.Count, replica.ApplyReplicated(entries));
            Assert.Equal(7, replica.CurrentEpoch);
            Assert.Equal(primary.GetEpochHistory(), replica.GetEpochHistory());
            Assert.Equal(2, replica.Count("c"));
        }

        using (var reopened = AgentDatabase.Open(dir.Combine("primary"), ReplicaOptions()))
        {
            Assert.Equal(7, reopened.CurrentEpoch);
            Assert.Equal([new EpochStart(7, marker)], reopened.GetEpochHistory());
            Assert.Equal(2, reopened.Count("c"));
        }
    }

    [Fact]
    public void History_ReplayedOlderMarker_IsIdempotent_ButAnEpochGoingBackwardsIsRefused()
    {
        using var dir = new TempDirectory();
        EpochHistory history = EpochHistory.Load(dir.Path, lastLsn: 100);
        history.Record(4, 1);
        history.Record(6, 14);
        // A reopen replays every marker above the store's applied LSN, older ones included (the store's WAL is off).
        history.Record(4, 1);
        history.Record(6, 14);
        Assert.Equal([new EpochStart(4, 1), new EpochStart(6, 14)], history.Entries);
        Assert.Throws<InvalidDataException>(() => history.Record(5, 20));
        Assert.Throws<InvalidDataException>(() => history.Record(7, 14));

        EpochHistory reloaded = EpochHistory.Load(dir.Path, lastLsn: 13); // a log that ends before the second marker
        Assert.Equal([new EpochStart(4, 1)], reloaded.Entries);
        Assert.Equal(13, reloaded.EndOf(4, 13));
        Assert.Equal(13, history.EndOf(5, 100));
        Assert.Equal(100, history.EndOf(6, 100));
        Assert.Equal(0, history.EpochAt(0));
        Assert.Equal(4, history.EpochAt(13));
        Assert.Equal(6, history.EpochAt(14));
    }

    [Fact]
    public void DemoteToReplica_RefusesWritesAgain_AndOnlyForADatabaseOpenedAsReplica()
    {
        using var dir = new TempDirectory();
        using (var node = AgentDatabase.Open(dir.Combine("node"), ReplicaOptions()))
        {
            node.PromoteToPrimary();
            node.CreateCollection("c", 4, DistanceMetric.L2Squared);
            node.DemoteToReplica();
            Assert.Equal(DatabaseRole.Replica, node.Role);
            Assert.Throws<NotPrimaryException>(() => node.Upsert("c", "x", Payload("n", "s"), Vector(4, 1)));
            Assert.Throws<NotPrimaryException>(() => node.BeginEpoch(1));
        }
        using var primary = AgentDatabase.Open(dir.Combine("primary"), Options());
        Assert.Throws<InvalidOperationException>(primary.DemoteToReplica);
    }

    [Fact]
    public async Task ReplicatedEpochEntry_Malformed_IsRefusedBeforeAnythingIsWritten()
    {
        using var dir = new TempDirectory();
        using var primary = AgentDatabase.Open(dir.Combine("primary"), ReplicaOptions());
        primary.PromoteToPrimary();
        primary.BeginEpoch(3);
        LogRecord marker = (await ReadAll(primary))[0];
        byte[] truncated = marker.Payload[..^1].ToArray();
        using var replica = AgentDatabase.Open(dir.Combine("replica"), ReplicaOptions());
        Assert.Throws<InvalidDataException>(() => replica.ApplyReplicated(new LogRecord(marker.Lsn, truncated) { PreviousLsn = marker.PreviousLsn }));
        Assert.Equal(0, replica.LastLogLsn);
        Assert.Equal(0, replica.CurrentEpoch);
    }
}
