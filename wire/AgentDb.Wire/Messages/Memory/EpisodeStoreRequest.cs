using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>EPISODE_STORE request: <c>[episodes: [WireEpisode...]]</c>, 1 to <see cref="MemoryWireLimits.MaxItems"/>.
/// Episodes without a vector have their tasks embedded in one batch; each session shard's part is one atomic write.</summary>
public sealed class EpisodeStoreRequest : IWireMessage<EpisodeStoreRequest>
{
    /// <summary>Creates the request.</summary>
    public EpisodeStoreRequest(IReadOnlyList<WireEpisode> episodes) => Episodes = episodes;

    /// <summary>The episodes, in order.</summary>
    public IReadOnlyList<WireEpisode> Episodes { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(1);
        writer.WriteArrayHeader(Episodes.Count);
        for (var i = 0; i < Episodes.Count; i++)
        {
            Episodes[i].Write(ref writer);
        }
    }

    /// <inheritdoc/>
    public static EpisodeStoreRequest Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 1, "EPISODE_STORE");
        var entries = Fields.ReadListCount(ref reader, "episodes", MemoryWireLimits.MaxItems);
        if (entries == 0)
        {
            throw new WireFormatException("episodes must not be empty");
        }
        var episodes = new WireEpisode[entries];
        for (var i = 0; i < entries; i++)
        {
            episodes[i] = WireEpisode.Read(ref reader);
        }
        Fields.SkipExtraFields(ref reader, count, 1);
        return new EpisodeStoreRequest(episodes);
    }
}
