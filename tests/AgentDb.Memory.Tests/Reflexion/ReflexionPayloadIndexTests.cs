using AgentDb.Memory.Reflexion;
using AgentDb.Memory.Stores;

namespace AgentDb.Memory.Tests.Reflexion;

/// <summary>Reflexion asks the engine for a payload index on "session" in every shard, and session-scoped retrieval stays correct with it.</summary>
public sealed class ReflexionPayloadIndexTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EveryShard_IndexesTheSessionField_AndSessionRetrievalsUseOnlyThatSession(bool sharded)
    {
        using var h = new MemoryHarness(sharded);
        for (int s = 0; s < h.Stores.ShardCount(MemoryKind.Reflexion); s++)
        {
            Assert.Equal(["session"], h.Stores.Shard(MemoryKind.Reflexion, s).ListPayloadIndexes(ReflexionMemory.Collection));
        }

        var episodes = new List<Episode>();
        for (int i = 0; i < 200; i++)
        {
            episodes.Add(new Episode
            {
                Id = $"e{i:D3}",
                Task = "t",
                SessionId = $"session-{i % 40}",
                Reward = i % 2,
                TimestampUnixMs = 1_000 + i,
                Vector = MemoryHarness.Angle(i),
            });
        }

        h.Reflexion.StoreEpisodes(episodes);
        EpisodeRetrieval all = h.Reflexion.RetrieveRelevant(MemoryHarness.Angle(0), new EpisodeRetrievalOptions { K = 10, SessionId = "session-7" });
        Assert.Equal(["e007", "e047", "e087", "e127", "e167"], all.Matches.Select(m => m.Episode.Id).Order());
        Assert.All(all.Matches, m => Assert.Equal("session-7", m.Episode.SessionId));

        EpisodeRetrieval rewarded = h.Reflexion.RetrieveRelevant(MemoryHarness.Angle(0), new EpisodeRetrievalOptions { K = 2, SessionId = "session-7", MinReward = 1 });
        Assert.Equal(["e007", "e047"], rewarded.Matches.Select(m => m.Episode.Id));
    }
}
