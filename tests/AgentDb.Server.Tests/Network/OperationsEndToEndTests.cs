using AgentDb.Client;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Tests.Network;

/// <summary>Every operation through the client's typed methods, the server's session and the handler seam, with a
/// <see cref="FakeEngine"/> behind it: what the real engine will plug into.</summary>
public sealed class OperationsEndToEndTests
{
    private static readonly byte[] s_tagA = [0x81, 0xA3, (byte)'t', (byte)'a', (byte)'g', 0xA1, (byte)'a']; // {"tag": "a"}
    private static readonly byte[] s_tagB = [0x81, 0xA3, (byte)'t', (byte)'a', (byte)'g', 0xA1, (byte)'b']; // {"tag": "b"}

    [Fact]
    public async Task EveryOperation_RoundTripsThroughTheHandlerSeam()
    {
        var engine = new FakeEngine();
        await using var server = await TestServer.StartAsync(register: engine.RegisterAll);
        await using var client = await server.ConnectAsync();

        await client.CreateCollectionAsync("docs", 2, VectorMetric.L2Squared);
        Assert.True((await client.UpsertAsync("docs", "a", new float[] { 0, 0 }, s_tagA)).Created);
        Assert.False((await client.UpsertAsync("docs", "a", new float[] { 0, 0 }, s_tagA)).Created);
        await client.UpsertAsync("docs", "b", new float[] { 1, 1 }, s_tagB);
        var batch = await client.BatchAsync("docs",
        [
            new BatchOperation(BatchOperationKind.Upsert, "c", new float[] { 2, 2 }, s_tagA),
            new BatchOperation(BatchOperationKind.Delete, "b", default, default),
        ]);
        Assert.Equal(2, batch.Applied);

        var got = await client.GetAsync("docs", "c", includeVector: true);
        Assert.Equal([2f, 2f], got.Vector.ToArray());
        Assert.Equal(s_tagA, got.Payload.ToArray());
        Assert.Equal(batch.Version, got.Version);

        var hits = await client.SearchAsync("docs", new float[] { 1.9f, 1.9f }, k: 5, filter: s_tagA);
        Assert.Equal(["c", "a"], hits.Select(h => h.Id));
        Assert.True(hits[0].Distance < hits[1].Distance);
        Assert.Equal(s_tagA, hits[0].Payload.ToArray());

        Assert.True(await client.DeleteAsync("docs", "a"));
        Assert.False(await client.DeleteAsync("docs", "a"));
        var notFound = await Assert.ThrowsAsync<AgentDbException>(() => client.GetAsync("docs", "a"));
        Assert.Equal(ErrorCode.NotFound, notFound.Code);

        var collections = await client.ListCollectionsAsync();
        Assert.Equal(("docs", 2, VectorMetric.L2Squared, 1UL), (collections[0].Name, collections[0].Dimension, collections[0].Metric, collections[0].Count));
        Assert.Contains(new KeyValuePair<string, long>("records", 1), await client.StatsAsync("docs"));
        Assert.Equal(batch.Version, await client.CheckpointAsync());

        await client.DropCollectionAsync("docs");
        var dropped = await Assert.ThrowsAsync<AgentDbException>(() => client.DropCollectionAsync("docs"));
        Assert.Equal(ErrorCode.NotFound, dropped.Code);
    }

    [Fact]
    public async Task ConcurrentWritersOnOneConnection_AllLand()
    {
        var engine = new FakeEngine();
        await using var server = await TestServer.StartAsync(register: engine.RegisterAll);
        await using var client = await server.ConnectAsync();
        await client.CreateCollectionAsync("docs", 1, VectorMetric.Dot);

        await Task.WhenAll(Enumerable.Range(0, 300).Select(i => client.UpsertAsync("docs", $"r{i}", new float[] { i })));

        Assert.Contains(new KeyValuePair<string, long>("records", 300), await client.StatsAsync());
    }
}
