using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>SKILL_SEARCH response: <c>[matches: [WireSkillMatch...], certificate: Certificate|nil]</c>, nearest first.</summary>
public sealed class SkillSearchResponse : IWireMessage<SkillSearchResponse>
{
    /// <summary>Creates the response.</summary>
    public SkillSearchResponse(IReadOnlyList<WireSkillMatch> matches, Certificate? certificate)
    {
        Matches = matches;
        Certificate = certificate;
    }

    /// <summary>The skills, nearest first.</summary>
    public IReadOnlyList<WireSkillMatch> Matches { get; }

    /// <summary>The certificate, when asked for.</summary>
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
    public static SkillSearchResponse Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 2, "SKILL_SEARCH response");
        var entries = Fields.ReadListCount(ref reader, "matches", MemoryWireLimits.MaxK);
        var matches = new WireSkillMatch[entries];
        for (var i = 0; i < entries; i++)
        {
            matches[i] = WireSkillMatch.Read(ref reader);
        }
        var certificate = Certificate.ReadNullable(ref reader);
        Fields.SkipExtraFields(ref reader, count, 2);
        return new SkillSearchResponse(matches, certificate);
    }
}
