using AgentDb.Client;
using AgentDb.Server.Engine;
using AgentDb.Server.Tests.Network;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Tests.Engine;

/// <summary>Every data operation through the client, a real server on 127.0.0.1 and the real embedded engine in a
/// temporary directory.</summary>
public sealed class EngineHandlersTests : IAsyncLifetime
{
    private static readonly byte[] s_tagA = [0x81, 0xA3, (byte)'t', (byte)'a', (byte)'g', 0xA1, (byte)'a']; // {"tag": "a"}
    private static readonly byte[] s_tagB = [0x81, 0xA3, (byte)'t', (byte)'a', (byte)'g', 0xA1, (byte)'b']; // {"tag": "b"}
    private static readonly byte[] s_tagOne = [0x81, 0xA3, (byte)'t', (byte)'a', (byte)'g', 0x01]; // {"tag": 1}

    private readonly TempDirectory _directory = new();
    private AgentDatabase? _database;
    private TestServer? _server;
    private AgentDbClient? _client;

    private AgentDbClient Client => _client!;

    public async Task InitializeAsync()
    {
        _database = AgentDatabase.Open(Path.Combine(_directory.Path, "db"));
        _server = await TestServer.StartAsync(register: registry => EngineHandlers.Register(registry, _database));
        _client = await _server.ConnectAsync();
    }

    public async Task DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        _database?.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task CreateUpsertGetSearchDelete_RoundTripThroughTheEngine()
    {
        await Client.CreateCollectionAsync("docs", 2, VectorMetric.L2Squared);
        Assert.True((await Client.UpsertAsync("docs", "a", new float[] { 0, 0 }, s_tagA)).Created);
        Assert.False((await Client.UpsertAsync("docs", "a", new float[] { 0, 0 }, s_tagA)).Created);
        var b = await Client.UpsertAsync("docs", "b", new float[] { 2, 2 }, s_tagB);

        var got = await Client.GetAsync("docs", "b", includeVector: true);
        Assert.Equal([2f, 2f], got.Vector.ToArray());
        Assert.Equal(s_tagB, got.Payload.ToArray());
        Assert.Equal(b.Version, got.Version);

        var hits = await Client.SearchAsync("docs", new float[] { 1.9f, 1.9f }, k: 5);
        Assert.Equal(["b", "a"], hits.Select(h => h.Id));
        Assert.True(hits[0].Distance < hits[1].Distance);
        var filtered = await Client.SearchAsync("docs", new float[] { 1.9f, 1.9f }, k: 5, filter: s_tagA);
        Assert.Equal(["a"], filtered.Select(h => h.Id));

        var collections = await Client.ListCollectionsAsync();
        Assert.Equal(("docs", 2, VectorMetric.L2Squared, 2UL), (collections[0].Name, collections[0].Dimension, collections[0].Metric, collections[0].Count));
        Assert.Contains(new KeyValuePair<string, long>("records", 2), await Client.StatsAsync("docs"));

        Assert.True(await Client.DeleteAsync("docs", "a"));
        Assert.False(await Client.DeleteAsync("docs", "a"));
        var missing = await Assert.ThrowsAsync<AgentDbException>(() => Client.GetAsync("docs", "a"));
        Assert.Equal(ErrorCode.NotFound, missing.Code);
        Assert.True(await Client.CheckpointAsync() > 0);

        await Client.DropCollectionAsync("docs");
        var dropped = await Assert.ThrowsAsync<AgentDbException>(() => Client.DropCollectionAsync("docs"));
        Assert.Equal(ErrorCode.NotFound, dropped.Code);
    }

    [Fact]
    public async Task Upsert_WithoutVector_KeepsTheStoredVector()
    {
        await Client.CreateCollectionAsync("docs", 2, VectorMetric.L2Squared);
        await Client.UpsertAsync("docs", "a", new float[] { 3, 4 }, s_tagA);

        Assert.False((await Client.UpsertAsync("docs", "a", default, s_tagB)).Created);

        var got = await Client.GetAsync("docs", "a", includeVector: true);
        Assert.Equal([3f, 4f], got.Vector.ToArray());
        Assert.Equal(s_tagB, got.Payload.ToArray());
    }

    [Fact]
    public async Task BatchUpsert_WithoutVector_KeepsTheStoredVector_LikeUpsert()
    {
        await Client.CreateCollectionAsync("docs", 2, VectorMetric.L2Squared);
        await Client.UpsertAsync("docs", "a", new float[] { 3, 4 }, s_tagA);
        await Client.UpsertAsync("docs", "b", new float[] { 5, 6 }, s_tagA);

        await Client.BatchAsync("docs",
        [
            new BatchOperation(BatchOperationKind.Upsert, "a", default, s_tagB),               // keeps the stored vector
            new BatchOperation(BatchOperationKind.Upsert, "b", new float[] { 1, 1 }, s_tagB),  // replaces it
        ]);

        var a = await Client.GetAsync("docs", "a", includeVector: true);
        Assert.Equal([3f, 4f], a.Vector.ToArray());
        Assert.Equal(s_tagB, a.Payload.ToArray());
        var b = await Client.GetAsync("docs", "b", includeVector: true);
        Assert.Equal([1f, 1f], b.Vector.ToArray());
        Assert.Equal(s_tagB, b.Payload.ToArray());
        var hits = await Client.SearchAsync("docs", new float[] { 3, 4 }, k: 1);
        Assert.Equal("a", Assert.Single(hits).Id); // still indexed under its vector
    }

    [Fact]
    public async Task CreateCollection_ThatExists_SucceedsWithTheSameSettings_AndIsBadRequestWithOthers()
    {
        await Client.CreateCollectionAsync("docs", 2, VectorMetric.L2Squared);
        await Client.UpsertAsync("docs", "a", new float[] { 1, 2 }, s_tagA);
        await Client.CreateCollectionAsync("docs", 2, VectorMetric.L2Squared); // "ensure": no error, nothing lost
        Assert.Equal(1UL, (await Client.ListCollectionsAsync()).Single(c => c.Name == "docs").Count);

        var error = await Assert.ThrowsAsync<AgentDbException>(() => Client.CreateCollectionAsync("docs", 3, VectorMetric.L2Squared));
        Assert.Equal(ErrorCode.BadRequest, error.Code);
        Assert.Contains("dimension 2", error.Message, StringComparison.Ordinal);
        error = await Assert.ThrowsAsync<AgentDbException>(() => Client.CreateCollectionAsync("docs", 2, VectorMetric.Cosine));
        Assert.Equal(ErrorCode.BadRequest, error.Code);
    }

    [Fact]
    public async Task Upsert_WithoutVector_OfANewId_IsBadRequest_AndStoresNothing()
    {
        await Client.CreateCollectionAsync("docs", 2, VectorMetric.L2Squared);

        var error = await Assert.ThrowsAsync<AgentDbException>(() => Client.UpsertAsync("docs", "new", default, s_tagA));
        Assert.Equal(ErrorCode.BadRequest, error.Code);
        Assert.Contains("needs a vector", error.Message, StringComparison.Ordinal);

        var missing = await Assert.ThrowsAsync<AgentDbException>(() => Client.GetAsync("docs", "new"));
        Assert.Equal(ErrorCode.NotFound, missing.Code);
        Assert.Equal(0, _database!.Count("docs"));
        Assert.True((await Client.UpsertAsync("docs", "new", new float[] { 1, 2 }, s_tagA)).Created); // the connection carries on
    }

    [Fact]
    public async Task BatchUpsert_WithoutVector_OfANewId_IsBadRequest_AndWritesNothing()
    {
        await Client.CreateCollectionAsync("docs", 2, VectorMetric.L2Squared);
        await Client.UpsertAsync("docs", "a", new float[] { 3, 4 }, s_tagA);

        var error = await Assert.ThrowsAsync<AgentDbException>(() => Client.BatchAsync("docs",
        [
            new BatchOperation(BatchOperationKind.Upsert, "a", new float[] { 9, 9 }, s_tagB),
            new BatchOperation(BatchOperationKind.Upsert, "new", default, s_tagB),
        ]));
        Assert.Equal(ErrorCode.BadRequest, error.Code);

        var a = await Client.GetAsync("docs", "a", includeVector: true);
        Assert.Equal([3f, 4f], a.Vector.ToArray()); // the batch's first operation was not applied either
        Assert.Equal(1, _database!.Count("docs"));
    }

    [Fact]
    public async Task Metrics_MapBetweenWireAndEngine()
    {
        await Client.CreateCollectionAsync("dot", 2, VectorMetric.Dot);
        await Client.CreateCollectionAsync("l2", 2, VectorMetric.L2Squared);
        await Client.CreateCollectionAsync("cos", 2, VectorMetric.Cosine);

        var metrics = (await Client.ListCollectionsAsync()).ToDictionary(c => c.Name, c => c.Metric);

        Assert.Equal(VectorMetric.Dot, metrics["dot"]);
        Assert.Equal(VectorMetric.L2Squared, metrics["l2"]);
        Assert.Equal(VectorMetric.Cosine, metrics["cos"]);
    }

    [Fact]
    public async Task Batch_AppliesAllOperations()
    {
        await Client.CreateCollectionAsync("docs", 2, VectorMetric.L2Squared);
        await Client.UpsertAsync("docs", "old", new float[] { 1, 1 }, s_tagA);

        var batch = await Client.BatchAsync("docs",
        [
            new BatchOperation(BatchOperationKind.Upsert, "c", new float[] { 2, 2 }, s_tagA),
            new BatchOperation(BatchOperationKind.Delete, "old", default, default),
        ]);

        Assert.Equal(2, batch.Applied);
        Assert.Equal(batch.Version, (await Client.GetAsync("docs", "c")).Version);
        Assert.Equal(ErrorCode.NotFound, (await Assert.ThrowsAsync<AgentDbException>(() => Client.GetAsync("docs", "old"))).Code);
    }

    [Fact]
    public async Task Batch_UnknownCollection_IsNotFound_AndWritesNothing()
    {
        await Client.CreateCollectionAsync("docs", 2, VectorMetric.L2Squared);

        var e = await Assert.ThrowsAsync<AgentDbException>(() => Client.BatchAsync("nope",
            [new BatchOperation(BatchOperationKind.Upsert, "x", new float[] { 1, 1 }, s_tagA)]));

        Assert.Equal(ErrorCode.NotFound, e.Code);
        Assert.Contains(new KeyValuePair<string, long>("records", 0), await Client.StatsAsync());
    }

    [Fact]
    public async Task Batch_OneInvalidOperation_IsBadRequest_AndWritesNothing()
    {
        await Client.CreateCollectionAsync("docs", 2, VectorMetric.L2Squared);

        var e = await Assert.ThrowsAsync<AgentDbException>(() => Client.BatchAsync("docs",
        [
            new BatchOperation(BatchOperationKind.Upsert, "good", new float[] { 1, 1 }, s_tagA),
            new BatchOperation(BatchOperationKind.Upsert, "bad", new float[] { 1, 1, 1 }, s_tagA),
        ]));

        Assert.Equal(ErrorCode.BadRequest, e.Code);
        Assert.Equal(ErrorCode.NotFound, (await Assert.ThrowsAsync<AgentDbException>(() => Client.GetAsync("docs", "good"))).Code);
        Assert.Contains(new KeyValuePair<string, long>("records", 0), await Client.StatsAsync("docs"));
    }

    [Fact]
    public async Task UnknownCollection_IsNotFound_ForEveryOperation()
    {
        async Task AssertNotFound(Func<Task> operation) =>
            Assert.Equal(ErrorCode.NotFound, (await Assert.ThrowsAsync<AgentDbException>(operation)).Code);

        await AssertNotFound(() => Client.UpsertAsync("nope", "a", new float[] { 1 }, s_tagA));
        await AssertNotFound(() => Client.GetAsync("nope", "a"));
        await AssertNotFound(() => Client.DeleteAsync("nope", "a"));
        await AssertNotFound(() => Client.SearchAsync("nope", new float[] { 1 }, k: 1));
        await AssertNotFound(() => Client.StatsAsync("nope"));
        await AssertNotFound(() => Client.DropCollectionAsync("nope"));
        await Client.PingAsync(); // the connection stays open after domain errors
    }

    [Fact]
    public async Task BadInput_IsBadRequest()
    {
        await Client.CreateCollectionAsync("docs", 2, VectorMetric.L2Squared);
        async Task AssertBadRequest(Func<Task> operation, string fragment)
        {
            var e = await Assert.ThrowsAsync<AgentDbException>(operation);
            Assert.Equal(ErrorCode.BadRequest, e.Code);
            Assert.Contains(fragment, e.Message, StringComparison.OrdinalIgnoreCase);
        }

        await AssertBadRequest(() => Client.CreateCollectionAsync("docs", 2, VectorMetric.Cosine), "docs"); // exists with other settings
        await AssertBadRequest(() => Client.UpsertAsync("docs", "a", new float[] { 1, 2, 3 }, s_tagA), "dimension");
        await AssertBadRequest(() => Client.SearchAsync("docs", new float[] { 1, 2 }, k: 1, filter: s_tagOne), "unsupported filter");
        await Client.PingAsync();
    }
}
