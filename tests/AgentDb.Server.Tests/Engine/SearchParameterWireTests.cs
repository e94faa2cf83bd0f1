using AgentDb.Client;
using AgentDb.Server.Engine;
using AgentDb.Server.Tests.Network;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Tests.Engine;

/// <summary>SEARCH's <c>ef</c> and COLLECTION_CREATE's <c>m</c> / <c>efConstruction</c> reach the engine: a real server on
/// 127.0.0.1 over an embedded database whose collections enter the HNSW tier at 200 vectors.</summary>
public sealed class SearchParameterWireTests : IAsyncLifetime
{
    private const int Dim = 8;

    private readonly TempDirectory _directory = new();
    private AgentDatabase? _database;
    private TestServer? _server;
    private AgentDbClient? _client;

    private AgentDatabase Database => _database!;

    private AgentDbClient Client => _client!;

    public async Task InitializeAsync()
    {
        _database = AgentDatabase.Open(Path.Combine(_directory.Path, "db"), new AgentDatabaseOptions { HnswThreshold = 200 });
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
    public async Task CollectionCreate_PassesMAndEfConstruction_ZeroMeansTheDefault()
    {
        await Client.CreateCollectionAsync("tuned", Dim, VectorMetric.L2Squared, m: 5, efConstruction: 21);
        await Client.CreateCollectionAsync("plain", Dim, VectorMetric.L2Squared);
        await Client.CreateCollectionAsync("wide", Dim, VectorMetric.L2Squared, m: 250);

        var collections = Database.ListCollections();
        var tuned = collections.Single(c => c.Name == "tuned");
        var plain = collections.Single(c => c.Name == "plain");
        var wide = collections.Single(c => c.Name == "wide");
        Assert.Equal((5, 21), (tuned.HnswM, tuned.HnswEfConstruction));
        Assert.Equal((AgentDatabase.DefaultHnswM, AgentDatabase.DefaultHnswEfConstruction), (plain.HnswM, plain.HnswEfConstruction));
        Assert.Equal((250, 250), (wide.HnswM, wide.HnswEfConstruction)); // the default build beam, raised to m
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(AgentDatabase.MaxHnswM + 1, 0)]
    [InlineData(16, 15)]
    [InlineData(16, AgentDatabase.MaxHnswEfConstruction + 1)]
    public async Task CollectionCreate_HnswParametersOutOfRange_AreBadRequest_AndCreateNothing(int m, int efConstruction)
    {
        var error = await Assert.ThrowsAsync<AgentDbException>(
            () => Client.CreateCollectionAsync("c", Dim, VectorMetric.L2Squared, m, efConstruction));
        Assert.Equal(ErrorCode.BadRequest, error.Code);
        Assert.Empty(Database.ListCollections());
        await Client.PingAsync(); // the connection stays usable
    }

    [Fact]
    public async Task Search_Ef_ReachesTheEngine_AndChangesTheHits()
    {
        // A sparse graph (M 4, efConstruction 8) over tight clusters, so a beam of k and a beam of 400 disagree.
        await Client.CreateCollectionAsync("c", Dim, VectorMetric.L2Squared, m: 4, efConstruction: 8);
        var batch = new RecordBatch();
        var centres = Vectors(20, new Random(3), scale: 10);
        var noise = new Random(4);
        for (var i = 0; i < 2_000; i++)
        {
            batch.Upsert("c", $"r{i}", default, Near(centres[i % centres.Length], noise));
        }
        Database.Batch(batch);
        Database.Checkpoint(); // links the whole backlog into the graph: searches then depend on ef alone

        var differing = 0;
        var queryNoise = new Random(5);
        for (var q = 0; q < 40; q++)
        {
            var query = Near(centres[q % centres.Length], queryNoise);
            var narrow = Ids(await Client.SearchAsync("c", query, k: 10, ef: 1));
            var wide = Ids(await Client.SearchAsync("c", query, k: 10, ef: 400));
            var byDefault = Ids(await Client.SearchAsync("c", query, k: 10));
            Assert.Equal(Ids(Database.Search("c", query, 10, ef: 1)), narrow);
            Assert.Equal(Ids(Database.Search("c", query, 10, ef: 400)), wide);
            Assert.Equal(Ids(Database.Search("c", query, 10)), byDefault);
            if (!narrow.SequenceEqual(wide))
            {
                differing++;
            }
        }
        Assert.True(differing > 0, "ef 1 and ef 400 gave the same hits for every query: ef did not reach the index");
    }

    [Fact]
    public async Task Search_EfBeyondTheEngineMaximum_IsBadRequest()
    {
        await Client.CreateCollectionAsync("c", Dim, VectorMetric.L2Squared);
        await Client.UpsertAsync("c", "a", new float[Dim]);
        var error = await Assert.ThrowsAsync<AgentDbException>(
            () => Client.SearchAsync("c", new float[Dim], k: 1, ef: AgentDatabase.MaxSearchEf + 1));
        Assert.Equal(ErrorCode.BadRequest, error.Code);
        Assert.Single(await Client.SearchAsync("c", new float[Dim], k: 1, ef: AgentDatabase.MaxSearchEf));
    }

    private static string[] Ids(IReadOnlyList<SearchHit> hits) => hits.Select(h => h.Id).ToArray();

    private static string[] Ids(IReadOnlyList<SearchResult> results) => results.Select(r => r.Record.Id).ToArray();

    private static float[][] Vectors(int count, Random random, float scale)
    {
        var vectors = new float[count][];
        for (var i = 0; i < count; i++)
        {
            vectors[i] = new float[Dim];
            for (var d = 0; d < Dim; d++)
            {
                vectors[i][d] = (float)((random.NextDouble() * 2) - 1) * scale;
            }
        }
        return vectors;
    }

    private static float[] Near(float[] centre, Random random)
    {
        var vector = new float[Dim];
        for (var d = 0; d < Dim; d++)
        {
            vector[d] = centre[d] + (float)((random.NextDouble() * 2) - 1);
        }
        return vector;
    }
}
