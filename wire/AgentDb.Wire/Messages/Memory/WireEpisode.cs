using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>
/// A reflexion episode on the wire: <c>[id: str|nil, sessionId: str|nil, task: str, input: str|nil, output: str|nil,
/// critique: str|nil, reward: float64, success: bool, latencyMs: int, tokensUsed: int, tags: [str], metadata: map str →
/// str, timestampUnixMs: int|nil, vector: bin|nil]</c>. Stored: a nil id is generated, a nil timestamp is now, a nil
/// vector embeds the task. Returned episodes carry all three.
/// </summary>
public sealed class WireEpisode
{
    private const int FieldCount = 14;

    /// <summary>Creates an episode.</summary>
    public WireEpisode(
        string? id, string? sessionId, string task, string? input, string? output, string? critique, double reward,
        bool success, long latencyMs, long tokensUsed, IReadOnlyList<string> tags, IReadOnlyDictionary<string, string> metadata,
        long? timestampUnixMs, ReadOnlyMemory<float> vector)
    {
        Id = id;
        SessionId = sessionId;
        Task = task;
        Input = input;
        Output = output;
        Critique = critique;
        Reward = reward;
        Success = success;
        LatencyMs = latencyMs;
        TokensUsed = tokensUsed;
        Tags = tags;
        Metadata = metadata;
        TimestampUnixMs = timestampUnixMs;
        Vector = vector;
    }

    /// <summary>The id; null to have one generated.</summary>
    public string? Id { get; }

    /// <summary>The session (the key of session sharding), or null.</summary>
    public string? SessionId { get; }

    /// <summary>The task text (not empty).</summary>
    public string Task { get; }

    /// <summary>What the agent was given.</summary>
    public string? Input { get; }

    /// <summary>What the agent produced.</summary>
    public string? Output { get; }

    /// <summary>The agent's critique of its attempt.</summary>
    public string? Critique { get; }

    /// <summary>The reward (finite; higher is better).</summary>
    public double Reward { get; }

    /// <summary>Whether the attempt succeeded.</summary>
    public bool Success { get; }

    /// <summary>Milliseconds the attempt took (not negative).</summary>
    public long LatencyMs { get; }

    /// <summary>Tokens the attempt used (not negative).</summary>
    public long TokensUsed { get; }

    /// <summary>Tags.</summary>
    public IReadOnlyList<string> Tags { get; }

    /// <summary>String metadata.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>When it happened (Unix ms); null to use the time it is stored.</summary>
    public long? TimestampUnixMs { get; }

    /// <summary>The task's embedding; empty to have the server embed the task.</summary>
    public ReadOnlyMemory<float> Vector { get; }

    internal void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(FieldCount);
        Fields.WriteNullableString(ref writer, Id);
        Fields.WriteNullableString(ref writer, SessionId);
        writer.Write(Task);
        Fields.WriteNullableString(ref writer, Input);
        Fields.WriteNullableString(ref writer, Output);
        Fields.WriteNullableString(ref writer, Critique);
        writer.Write(Reward);
        writer.Write(Success);
        writer.Write(LatencyMs);
        writer.Write(TokensUsed);
        MemoryFields.WriteStringList(ref writer, Tags);
        MemoryFields.WriteStringMap(ref writer, Metadata);
        MemoryFields.WriteNullableInt64(ref writer, TimestampUnixMs);
        Fields.WriteVector(ref writer, Vector);
    }

    internal static WireEpisode Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, FieldCount, "episode");
        var id = Fields.ReadNullableString(ref reader, WireLimits.MaxIdBytes, "episode.id");
        var session = Fields.ReadNullableString(ref reader, WireLimits.MaxIdBytes, "episode.sessionId");
        var task = Fields.ReadString(ref reader, MemoryWireLimits.MaxContentBytes, "episode.task");
        var input = Fields.ReadNullableString(ref reader, MemoryWireLimits.MaxContentBytes, "episode.input");
        var output = Fields.ReadNullableString(ref reader, MemoryWireLimits.MaxContentBytes, "episode.output");
        var critique = Fields.ReadNullableString(ref reader, MemoryWireLimits.MaxContentBytes, "episode.critique");
        var reward = MemoryFields.ReadFiniteDouble(ref reader, "episode.reward");
        var success = Fields.ReadBoolean(ref reader, "episode.success");
        var latency = MemoryFields.ReadNonNegativeInt64(ref reader, "episode.latencyMs");
        var tokens = MemoryFields.ReadNonNegativeInt64(ref reader, "episode.tokensUsed");
        var tags = MemoryFields.ReadStringList(ref reader, "episode.tags", MemoryWireLimits.MaxListEntries, WireLimits.MaxTextBytes, allowEmpty: true);
        var metadata = MemoryFields.ReadStringMap(ref reader, "episode.metadata", WireLimits.MaxTextBytes, MemoryWireLimits.MaxContentBytes);
        var timestamp = MemoryFields.ReadNullableInt64(ref reader, "episode.timestampUnixMs");
        if (timestamp < 0)
        {
            throw new WireFormatException($"episode.timestampUnixMs is {timestamp}; it must not be negative");
        }
        var vector = Fields.ReadVector(ref reader, "episode.vector", allowNil: true);
        Fields.SkipExtraFields(ref reader, count, FieldCount);
        return new WireEpisode(id, session, task, input, output, critique, reward, success, latency, tokens, tags, metadata, timestamp, vector);
    }
}
