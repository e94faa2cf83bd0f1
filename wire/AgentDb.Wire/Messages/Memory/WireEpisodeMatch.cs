using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>A retrieved episode: <c>[episode: WireEpisode, distance: float32, shard: uint]</c>.</summary>
public sealed class WireEpisodeMatch
{
    /// <summary>Creates a match.</summary>
    public WireEpisodeMatch(WireEpisode episode, float distance, int shard)
    {
        Episode = episode;
        Distance = distance;
        Shard = shard;
    }

    /// <summary>The episode (with its id, timestamp and vector).</summary>
    public WireEpisode Episode { get; }

    /// <summary>Cosine distance between the query and the episode's task vector.</summary>
    public float Distance { get; }

    /// <summary>The session shard that holds it.</summary>
    public int Shard { get; }

    internal void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(3);
        Episode.Write(ref writer);
        writer.Write(Distance);
        writer.Write(Shard);
    }

    internal static WireEpisodeMatch Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 3, "episode match");
        var episode = WireEpisode.Read(ref reader);
        var distance = Fields.ReadSingle(ref reader, "match.distance");
        var shard = (int)Fields.ReadUInt32(ref reader, "match.shard", int.MaxValue);
        Fields.SkipExtraFields(ref reader, count, 3);
        return new WireEpisodeMatch(episode, distance, shard);
    }
}
