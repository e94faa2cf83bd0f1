using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>EPISODE_RETRIEVE response: <c>[matches: [WireEpisodeMatch...], certificate: Certificate|nil]</c>, nearest
/// first.</summary>
public sealed class EpisodeRetrieveResponse : IWireMessage<EpisodeRetrieveResponse>
{
    /// <summary>Creates the response.</summary>
    public EpisodeRetrieveResponse(IReadOnlyList<WireEpisodeMatch> matches, Certificate? certificate)
    {
        Matches = matches;
        Certificate = certificate;
    }

    /// <summary>The episodes kept by the filters, nearest first.</summary>
    public IReadOnlyList<WireEpisodeMatch> Matches { get; }

    /// <summary>The certificate over exactly the returned records, when asked for.</summary>
    public Certificate? Certificate { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(2);
        writer.WriteArrayHeader(Matches.Count);
        for (var i = 0; i < Matches.Count; i++)
        {
            Matches[i].Write(ref writer);
        }
        Certificate.WriteNullable(ref writer, Certificate);
    }

    /// <inheritdoc/>
    public static EpisodeRetrieveResponse Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 2, "EPISODE_RETRIEVE response");
        var entries = Fields.ReadListCount(ref reader, "matches", MemoryWireLimits.MaxK);
        var matches = new WireEpisodeMatch[entries];
        for (var i = 0; i < entries; i++)
        {
            matches[i] = WireEpisodeMatch.Read(ref reader);
        }
        var certificate = Certificate.ReadNullable(ref reader);
        Fields.SkipExtraFields(ref reader, count, 2);
        return new EpisodeRetrieveResponse(matches, certificate);
    }
}
