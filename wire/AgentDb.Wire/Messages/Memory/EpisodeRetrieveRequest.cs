using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>
/// EPISODE_RETRIEVE request: <c>[task: str|nil, vector: bin|nil, k: uint, minReward: float64|nil, outcome: uint,
/// sessionId: str|nil, fromUnixMs: int|nil, toUnixMs: int|nil, withCertificate: bool]</c>. Exactly one of task
/// (embedded by the server) and vector is given. Outcome 0 any, 1 successes only, 2 failures only; the time window is
/// [from, to).
/// </summary>
public sealed class EpisodeRetrieveRequest : IWireMessage<EpisodeRetrieveRequest>
{
    private const int FieldCount = 9;

    /// <summary>Creates the request.</summary>
    public EpisodeRetrieveRequest(
        string? task, ReadOnlyMemory<float> vector, int k, double? minReward = null, WireEpisodeOutcome outcome = WireEpisodeOutcome.Any,
        string? sessionId = null, long? fromUnixMs = null, long? toUnixMs = null, bool withCertificate = false)
    {
        Task = task;
        Vector = vector;
        K = k;
        MinReward = minReward;
        Outcome = outcome;
        SessionId = sessionId;
        FromUnixMs = fromUnixMs;
        ToUnixMs = toUnixMs;
        WithCertificate = withCertificate;
    }

    /// <summary>The query text, or null when <see cref="Vector"/> is given.</summary>
    public string? Task { get; }

    /// <summary>The query vector, or empty when <see cref="Task"/> is given.</summary>
    public ReadOnlyMemory<float> Vector { get; }

    /// <summary>How many episodes at most, 1–10,000.</summary>
    public int K { get; }

    /// <summary>Keep episodes whose reward is at least this; null for no minimum.</summary>
    public double? MinReward { get; }

    /// <summary>Which outcomes to keep.</summary>
    public WireEpisodeOutcome Outcome { get; }

    /// <summary>Keep only this session's episodes; null for all.</summary>
    public string? SessionId { get; }

    /// <summary>Keep episodes at or after this time (Unix ms); null for no bound.</summary>
    public long? FromUnixMs { get; }

    /// <summary>Keep episodes before this time (Unix ms); null for no bound.</summary>
    public long? ToUnixMs { get; }

    /// <summary>Return a certificate over the returned records.</summary>
    public bool WithCertificate { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(FieldCount);
        Fields.WriteNullableString(ref writer, Task);
        Fields.WriteVector(ref writer, Vector);
        writer.Write(K);
        MemoryFields.WriteNullableDouble(ref writer, MinReward);
        writer.Write((byte)Outcome);
        Fields.WriteNullableString(ref writer, SessionId);
        MemoryFields.WriteNullableInt64(ref writer, FromUnixMs);
        MemoryFields.WriteNullableInt64(ref writer, ToUnixMs);
        writer.Write(WithCertificate);
    }

    /// <inheritdoc/>
    public static EpisodeRetrieveRequest Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, FieldCount, "EPISODE_RETRIEVE");
        var (task, vector) = MemoryFields.ReadTextOrVector(ref reader, "task", "vector");
        var k = MemoryFields.ReadInt32(ref reader, "k", 1, MemoryWireLimits.MaxK);
        var minReward = MemoryFields.ReadNullableFiniteDouble(ref reader, "minReward");
        var outcome = (WireEpisodeOutcome)Fields.ReadUInt32(ref reader, "outcome", (uint)WireEpisodeOutcome.FailuresOnly);
        var session = Fields.ReadNullableString(ref reader, WireLimits.MaxIdBytes, "sessionId");
        var from = MemoryFields.ReadNullableInt64(ref reader, "fromUnixMs");
        var to = MemoryFields.ReadNullableInt64(ref reader, "toUnixMs");
        var withCertificate = Fields.ReadBoolean(ref reader, "withCertificate");
        Fields.SkipExtraFields(ref reader, count, FieldCount);
        return new EpisodeRetrieveRequest(task, vector, k, minReward, outcome, session, from, to, withCertificate);
    }
}
