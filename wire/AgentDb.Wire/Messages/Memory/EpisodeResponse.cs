using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>EPISODE_GET response: <c>[episode: WireEpisode]</c>.</summary>
public sealed class EpisodeResponse : IWireMessage<EpisodeResponse>
{
    /// <summary>Creates the response.</summary>
    public EpisodeResponse(WireEpisode episode) => Episode = episode;

    /// <summary>The episode.</summary>
    public WireEpisode Episode { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(1);
        Episode.Write(ref writer);
    }

    /// <inheritdoc/>
    public static EpisodeResponse Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 1, "EPISODE_GET response");
        var episode = WireEpisode.Read(ref reader);
        Fields.SkipExtraFields(ref reader, count, 1);
        return new EpisodeResponse(episode);
    }
}
