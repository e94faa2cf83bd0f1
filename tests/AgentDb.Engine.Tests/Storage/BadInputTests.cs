using AgentDb.Engine.Tests.Support;
using AgentDb.Kernels;
using static AgentDb.Engine.Tests.Storage.DatabaseTestHelpers;

namespace AgentDb.Engine.Tests.Storage;

public sealed class BadInputTests
{
    [Fact]
    public void WrongVectorDimension_ThrowsArgumentException_OnWriteAndSearch()
    {
        using var dir = new TempDirectory();
        using var db = AgentDatabase.Open(dir.Path, Options());
        db.CreateCollection("c", 4, DistanceMetric.Cosine);
        ArgumentException write = Assert.Throws<ArgumentException>(() => db.Upsert("c", "x", Payload("n", "s"), [1f, 2f]));
        Assert.Contains("dimension 2", write.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => db.Search("c", [1f, 2f, 3f], 1));
        Assert.Equal(0, db.Count("c"));
    }

    [Fact]
    public void NonFiniteVector_ThrowsArgumentException()
    {
        using var dir = new TempDirectory();
        using var db = AgentDatabase.Open(dir.Path, Options());
        db.CreateCollection("c", 2, DistanceMetric.Cosine);
        Assert.Throws<ArgumentException>(() => db.Upsert("c", "x", [], [float.NaN, 1f]));
        Assert.Throws<ArgumentException>(() => db.Search("c", [float.PositiveInfinity, 1f], 1));
    }

    [Fact]
    public void VectorValidation_FindsEveryNonFiniteValue_AtEveryPosition_AndAcceptsFiniteExtremes()
    {
        // The check runs a SIMD-width lane group at a time with a scalar tail: every position of lengths around the
        // lane widths, and each kind of non-finite value, must be caught and named by its index.
        float[] nonFinite = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, BitConverter.Int32BitsToSingle(0x7FC0_0001)];
        foreach (int length in new[] { 1, 3, 4, 7, 8, 15, 16, 17, 31, 33, 64, 384, 385 })
        {
            float[] vector = new float[length];
            for (int i = 0; i < length; i++)
            {
                vector[i] = (i % 4) switch { 0 => float.MaxValue, 1 => -float.MaxValue, 2 => float.Epsilon, _ => -0f };
            }

            AgentDatabase.ValidateVectorValues(vector); // finite extremes pass
            for (int position = 0; position < length; position++)
            {
                float saved = vector[position];
                vector[position] = nonFinite[position % nonFinite.Length];
                ArgumentException error = Assert.Throws<ArgumentException>(() => AgentDatabase.ValidateVectorValues(vector));
                Assert.Contains($"index {position}", error.Message, StringComparison.Ordinal);
                vector[position] = saved;
            }
        }
    }

    [Fact]
    public async Task UnknownCollection_ThrowsCollectionNotFound_NamingIt_ForEveryOperation()
    {
        using var dir = new TempDirectory();
        using var db = AgentDatabase.Open(dir.Path, Options());
        void AssertNamed(Action action)
        {
            CollectionNotFoundException error = Assert.Throws<CollectionNotFoundException>(action);
            Assert.Equal("ghost", error.CollectionName);
            Assert.Contains("ghost", error.Message, StringComparison.Ordinal);
            Assert.IsAssignableFrom<KeyNotFoundException>(error);
        }

        AssertNamed(() => db.Upsert("ghost", "x", []));
        AssertNamed(() => db.Delete("ghost", "x"));
        AssertNamed(() => db.Get("ghost", "x"));
        AssertNamed(() => db.Count("ghost"));
        AssertNamed(() => db.ScanPrefix("ghost", "", 10));
        AssertNamed(() => db.Search("ghost", [1f], 1));
        await Assert.ThrowsAsync<CollectionNotFoundException>(async () => await db.UpsertAsync("ghost", "x", Array.Empty<byte>()));
    }

    [Fact]
    public void PayloadOverTheConfiguredMaximum_ThrowsArgumentException()
    {
        using var dir = new TempDirectory();
        using var db = AgentDatabase.Open(dir.Path, Options(maxPayload: 1000));
        db.CreateCollection("c", 2, DistanceMetric.Cosine);
        db.Upsert("c", "ok", new byte[1000]);
        ArgumentException error = Assert.Throws<ArgumentException>(() => db.Upsert("c", "big", new byte[1001]));
        Assert.Contains("1001", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => db.Batch(new RecordBatch().Upsert("c", "big", new byte[1001])));
    }

    [Fact]
    public void DefaultMaximumPayload_IsOneMebibyte()
    {
        Assert.Equal(1 << 20, new AgentDatabaseOptions().MaxPayloadBytes);
    }

    [Fact]
    public void BadIds_ThrowArgumentException()
    {
        using var dir = new TempDirectory();
        using var db = AgentDatabase.Open(dir.Path, Options());
        db.CreateCollection("c", 2, DistanceMetric.Cosine);
        Assert.Throws<ArgumentException>(() => db.Upsert("c", "", []));
        Assert.Throws<ArgumentNullException>(() => db.Upsert("c", null!, []));
        Assert.Throws<ArgumentException>(() => db.Upsert("c", new string('x', 513), []));
        Assert.Throws<ArgumentException>(() => db.Upsert("c", new string('é', 257), [])); // 514 UTF-8 bytes
        db.Upsert("c", new string('x', 512), []);
        Assert.Equal(1, db.Count("c"));
    }

    [Fact]
    public void BadCollectionDefinitions_Throw()
    {
        using var dir = new TempDirectory();
        using var db = AgentDatabase.Open(dir.Path, Options());
        Assert.Throws<ArgumentException>(() => db.CreateCollection("", 2, DistanceMetric.Cosine));
        Assert.Throws<ArgumentException>(() => db.CreateCollection("bad name", 2, DistanceMetric.Cosine));
        Assert.Throws<ArgumentOutOfRangeException>(() => db.CreateCollection("c", 0, DistanceMetric.Cosine));
        Assert.Throws<ArgumentException>(() => db.CreateCollection("c", 2, (DistanceMetric)99));
        db.CreateCollection("c", 2, DistanceMetric.Cosine);
        Assert.Throws<CollectionAlreadyExistsException>(() => db.CreateCollection("c", 2, DistanceMetric.Cosine));
        Assert.Throws<ArgumentOutOfRangeException>(() => db.Search("c", [1f, 1f], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => db.ScanPrefix("c", "", 0));
    }

    [Fact]
    public void EnsureCollection_CreatesOnce_AcceptsTheSameSettings_AndNamesOtherSettings()
    {
        using var dir = new TempDirectory();
        long lsnAfterCreate;
        using (var db = AgentDatabase.Open(dir.Path, Options()))
        {
            Assert.True(db.EnsureCollection("c", 2, DistanceMetric.Cosine, hnswM: 8, hnswEfConstruction: 40));
            lsnAfterCreate = db.LastLogLsn;
            Assert.False(db.EnsureCollection("c", 2, DistanceMetric.Cosine, hnswM: 8, hnswEfConstruction: 40));
            Assert.Equal(lsnAfterCreate, db.LastLogLsn); // nothing written for an existing collection
            var other = Assert.Throws<CollectionAlreadyExistsException>(() => db.EnsureCollection("c", 3, DistanceMetric.Cosine, hnswM: 8, hnswEfConstruction: 40));
            Assert.Contains("dimension 2", other.Message, StringComparison.Ordinal);
            Assert.Contains("dimension 3", other.Message, StringComparison.Ordinal);
            Assert.Throws<CollectionAlreadyExistsException>(() => db.EnsureCollection("c", 2, DistanceMetric.L2Squared, hnswM: 8, hnswEfConstruction: 40));
            Assert.Throws<CollectionAlreadyExistsException>(() => db.EnsureCollection("c", 2, DistanceMetric.Cosine)); // default m / efConstruction differ
            Assert.Throws<ArgumentOutOfRangeException>(() => db.EnsureCollection("d", 0, DistanceMetric.Cosine));
        }

        // After a reopen the settings come from the stored collection, not from the create entry appended in this process.
        using (var db = AgentDatabase.Open(dir.Path, Options()))
        {
            Assert.False(db.EnsureCollection("c", 2, DistanceMetric.Cosine, hnswM: 8, hnswEfConstruction: 40));
            Assert.Equal(lsnAfterCreate, db.LastLogLsn);
            Assert.Throws<CollectionAlreadyExistsException>(() => db.EnsureCollection("c", 2, DistanceMetric.Cosine, hnswM: 16, hnswEfConstruction: 40));
        }
    }

    [Fact]
    public void UseAfterDispose_ThrowsObjectDisposed_ForEveryOperation()
    {
        using var dir = new TempDirectory();
        var db = AgentDatabase.Open(dir.Path, Options());
        db.CreateCollection("c", 2, DistanceMetric.Cosine);
        db.Dispose();
        db.Dispose(); // idempotent
        Assert.Throws<ObjectDisposedException>(() => db.Upsert("c", "x", []));
        Assert.Throws<ObjectDisposedException>(() => db.Delete("c", "x"));
        Assert.Throws<ObjectDisposedException>(() => db.Get("c", "x"));
        Assert.Throws<ObjectDisposedException>(() => db.Count("c"));
        Assert.Throws<ObjectDisposedException>(() => db.Search("c", [1f, 1f], 1));
        Assert.Throws<ObjectDisposedException>(() => db.CreateCollection("d", 2, DistanceMetric.Cosine));
        Assert.Throws<ObjectDisposedException>(() => db.ListCollections());
        Assert.Throws<ObjectDisposedException>(() => db.Batch(new RecordBatch().Upsert("c", "x", [])));
        Assert.Throws<ObjectDisposedException>(() => db.Checkpoint());
        Assert.Throws<ObjectDisposedException>(() => db.GetStats());
        Assert.Throws<ObjectDisposedException>(() => db.Backup(dir.Combine("backup")));
    }

    [Fact]
    public void SecondInstanceOnTheSameDirectory_ThrowsDatabaseLocked_NamingTheDirectory()
    {
        using var dir = new TempDirectory();
        using (var db = AgentDatabase.Open(dir.Path, Options()))
        {
            DatabaseLockedException error = Assert.Throws<DatabaseLockedException>(() => AgentDatabase.Open(dir.Path, Options()));
            Assert.Equal(dir.Path, error.Directory);
            Assert.Contains(dir.Path, error.Message, StringComparison.Ordinal);
        }

        using (AgentDatabase.Open(dir.Path, Options()))
        {
            // released on dispose
        }
    }
}
