using AgentDb.Client;
using AgentDb.Wire.Messages.Memory;
using static AgentDb.Server.Tests.Memory.MemoryTestData;

namespace AgentDb.Server.Tests.Memory;

/// <summary>The built <c>agentdb</c> and its default embedder: a bad <c>--embedder</c> is exit code 2 before anything
/// starts; the default MiniLM loads on first use and gives semantic retrieval over the wire (the one MiniLM smoke test).</summary>
public sealed class MemoryProcessTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Agentdb_BadEmbedder_ExitsTwo_WithAClearMessage_AndCreatesNothing()
    {
        using var root = new TempDirectory();
        var data = Path.Combine(root.Path, "data");
        using var child = AgentDbProcess.StartWithEnvironment(
            new Dictionary<string, string?> { ["AGENTDB_EMBEDDER"] = "hashing-1" }, "serve", "--data", data, "--port", "0", "--http-port", "0");

        Assert.Equal(2, await child.WaitForExitAsync(s_timeout));
        Assert.Contains("invalid embedder 'hashing-1' from AGENTDB_EMBEDDER: the hashing dimension must be a whole number from 2 to 65536", child.Stderr);
        Assert.DoesNotContain("   at ", child.Stderr);
        Assert.False(Directory.Exists(data));
    }

    [Fact]
    public async Task DefaultMiniLm_RetrievesByMeaning_OverTheWire()
    {
        await using var server = await MemoryServer.StartAsync(embedder: null);
        await using var client = await server.ConnectAsync();

        await client.StoreEpisodesAsync(
        [
            Episode("sort a list of numbers in ascending order", 0.9, true, id: "ep-sort"),
            Episode("bake a loaf of sourdough bread", 0.8, true, id: "ep-bread"),
            Episode("repair a flat bicycle tire", 0.7, true, id: "ep-bike"),
        ]);
        var retrieval = await client.RetrieveRelevantAsync("order an array of integers", k: 3);
        var stats = await client.GetMemoryStatsAsync();

        Assert.Equal("ep-sort", retrieval.Matches[0].Episode.Id);
        Assert.Equal(("all-MiniLM-L6-v2", 384), (stats.Embedder, stats.Dimension));
        Assert.Equal(384, retrieval.Matches[0].Episode.Vector.Length);
    }
}
