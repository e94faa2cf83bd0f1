using AgentDb.Memory.Causal;
using AgentDb.Memory.Graph;
using AgentDb.Memory.Reflexion;
using AgentDb.Memory.Skills;
using AgentDb.Wire.Messages.Memory;

namespace AgentDb.Simulation.Targets;

/// <summary>Maps the memory layer's types to the wire messages the client sends and back (the client-side mirror of the
/// server's own mapping), so that a scenario written against <see cref="IMemoryTarget"/> runs unchanged on a server.</summary>
internal static class WireConversions
{
    public static WireEpisode ToWire(Episode episode) => new(
        episode.Id, episode.SessionId, episode.Task, episode.Input, episode.Output, episode.Critique, episode.Reward,
        episode.Success, episode.LatencyMs, episode.TokensUsed, episode.Tags, episode.Metadata, episode.TimestampUnixMs,
        episode.Vector);

    public static Episode ToEpisode(WireEpisode episode) => new()
    {
        Id = episode.Id,
        SessionId = episode.SessionId,
        Task = episode.Task,
        Input = episode.Input,
        Output = episode.Output,
        Critique = episode.Critique,
        Reward = episode.Reward,
        Success = episode.Success,
        LatencyMs = episode.LatencyMs,
        TokensUsed = episode.TokensUsed,
        Tags = episode.Tags,
        Metadata = episode.Metadata,
        TimestampUnixMs = episode.TimestampUnixMs,
        Vector = episode.Vector,
    };

    public static WireEpisodeOutcome ToWire(EpisodeOutcome outcome) => outcome switch
    {
        EpisodeOutcome.SuccessesOnly => WireEpisodeOutcome.SuccessesOnly,
        EpisodeOutcome.FailuresOnly => WireEpisodeOutcome.FailuresOnly,
        _ => WireEpisodeOutcome.Any,
    };

    public static TaskStats ToTaskStats(EpisodeTaskStatsResponse stats) => new(
        stats.Task, stats.Attempts, stats.Successes, stats.SuccessRate, stats.AverageReward, stats.AverageLatencyMs,
        stats.RewardTrend, stats.FirstUnixMs, stats.LastUnixMs);

    public static WireSkill ToWire(Skill skill) => new(
        skill.Name, skill.Description, skill.Signature, skill.Code, skill.SuccessRate, skill.Uses, skill.AverageReward,
        skill.AverageLatencyMs, skill.Vector, skill.SourceTask, skill.CreatedUnixMs, skill.UpdatedUnixMs);

    public static Skill ToSkill(WireSkill skill) => new()
    {
        Name = skill.Name,
        Description = skill.Description,
        Signature = skill.Signature,
        Code = skill.Code,
        SuccessRate = skill.SuccessRate,
        Uses = skill.Uses,
        AverageReward = skill.AverageReward,
        AverageLatencyMs = skill.AverageLatencyMs,
        Vector = skill.Vector,
        SourceTask = skill.SourceTask,
        CreatedUnixMs = skill.CreatedUnixMs,
        UpdatedUnixMs = skill.UpdatedUnixMs,
    };

    public static CausalEdge ToCausalEdge(WireCausalEdge edge) => new(
        edge.Id, edge.From, edge.To, edge.Mechanism, edge.Uplift, edge.Confidence, edge.SampleSize, edge.EvidenceIds,
        edge.CreatedUnixMs, edge.UpdatedUnixMs);

    public static WireGraphNodeInput ToWire(GraphNodeInput node) =>
        new(node.Id, node.Labels, ToWire(node.Properties), node.EmbeddingText, node.Embedding);

    public static WireGraphEdgeInput ToWire(GraphEdgeInput edge) => new(edge.From, edge.Type, edge.To, edge.Id, ToWire(edge.Properties));

    public static WireGraphDirection ToWire(GraphDirection direction) => direction switch
    {
        GraphDirection.In => WireGraphDirection.In,
        GraphDirection.Both => WireGraphDirection.Both,
        _ => WireGraphDirection.Out,
    };

    public static GraphDirection ToDirection(WireGraphDirection direction) => direction switch
    {
        WireGraphDirection.In => GraphDirection.In,
        WireGraphDirection.Both => GraphDirection.Both,
        _ => GraphDirection.Out,
    };

    public static GraphNeighbor ToNeighbor(WireGraphNeighbor neighbor)
    {
        var edge = neighbor.Edge;
        var node = neighbor.Node;
        return new GraphNeighbor(
            new GraphEdge(edge.Id, edge.Type, edge.From, edge.To, ToGraph(edge.Properties), edge.CreatedUnixMs),
            new GraphNode(node.Id, node.Labels, ToGraph(node.Properties), node.HasEmbedding, node.CreatedUnixMs, node.UpdatedUnixMs),
            ToDirection(neighbor.Direction));
    }

    public static Dictionary<string, PropertyValue> ToWire(IReadOnlyDictionary<string, GraphValue>? properties)
    {
        var wire = new Dictionary<string, PropertyValue>(properties?.Count ?? 0, StringComparer.Ordinal);
        if (properties is null)
        {
            return wire;
        }
        foreach (var (key, value) in properties)
        {
            wire[key] = value.Kind switch
            {
                GraphValueKind.String => PropertyValue.From(value.AsString()),
                GraphValueKind.Int64 => PropertyValue.From(value.AsInt64()),
                GraphValueKind.Double => PropertyValue.From(value.AsDouble()),
                GraphValueKind.Boolean => PropertyValue.From(value.AsBoolean()),
                _ => throw new ArgumentException($"property '{key}' has no value", nameof(properties)),
            };
        }
        return wire;
    }

    /// <exception cref="InvalidDataException">The server sent a property without a value.</exception>
    public static Dictionary<string, GraphValue> ToGraph(IReadOnlyDictionary<string, PropertyValue> properties)
    {
        var graph = new Dictionary<string, GraphValue>(properties.Count, StringComparer.Ordinal);
        foreach (var (key, value) in properties)
        {
            graph[key] = value.Kind switch
            {
                PropertyValueKind.String => GraphValue.From(value.AsString()),
                PropertyValueKind.Int64 => GraphValue.From(value.AsInt64()),
                PropertyValueKind.Double => GraphValue.From(value.AsDouble()),
                PropertyValueKind.Boolean => GraphValue.From(value.AsBoolean()),
                _ => throw new InvalidDataException($"the server sent property '{key}' without a value"),
            };
        }
        return graph;
    }
}
