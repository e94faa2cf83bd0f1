using AgentDb.Memory.Causal;
using AgentDb.Memory.Graph;
using AgentDb.Memory.Provenance;
using AgentDb.Memory.Reflexion;
using AgentDb.Memory.Skills;
using AgentDb.Memory.Stores;
using AgentDb.Wire.Messages.Memory;

namespace AgentDb.Server.Engine.Memory;

/// <summary>Maps the memory layer's types to their wire forms and back. Wire values out of the memory layer's range
/// throw <see cref="ArgumentException"/> (BAD_REQUEST).</summary>
internal static class MemoryConversions
{
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

    public static WireEpisode ToWire(Episode episode) => new(
        episode.Id, episode.SessionId, episode.Task, episode.Input, episode.Output, episode.Critique, episode.Reward,
        episode.Success, episode.LatencyMs, episode.TokensUsed, episode.Tags, episode.Metadata, episode.TimestampUnixMs,
        episode.Vector);

    public static EpisodeOutcome ToOutcome(WireEpisodeOutcome outcome) => outcome switch
    {
        WireEpisodeOutcome.SuccessesOnly => EpisodeOutcome.SuccessesOnly,
        WireEpisodeOutcome.FailuresOnly => EpisodeOutcome.FailuresOnly,
        _ => EpisodeOutcome.Any,
    };

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
    };

    public static WireSkill ToWire(Skill skill) => new(
        skill.Name, skill.Description, skill.Signature, skill.Code, skill.SuccessRate, skill.Uses, skill.AverageReward,
        skill.AverageLatencyMs, skill.Vector, skill.SourceTask, skill.CreatedUnixMs, skill.UpdatedUnixMs);

    public static WireCausalEdge ToWire(CausalEdge edge) => new(
        edge.Id, edge.From, edge.To, edge.Mechanism, edge.Uplift, edge.Confidence, edge.SampleSize, edge.EvidenceIds,
        edge.CreatedUnixMs, edge.UpdatedUnixMs);

    public static WireCausalEdge[] ToWire(IReadOnlyList<CausalEdge> edges)
    {
        var wire = new WireCausalEdge[edges.Count];
        for (var i = 0; i < wire.Length; i++)
        {
            wire[i] = ToWire(edges[i]);
        }
        return wire;
    }

    public static WireGraphNode ToWire(GraphNode node) => new(
        node.Id, node.Labels, ToWire(node.Properties), node.HasEmbedding, node.CreatedUnixMs, node.UpdatedUnixMs);

    public static WireGraphEdge ToWire(GraphEdge edge) => new(edge.Id, edge.Type, edge.From, edge.To, ToWire(edge.Properties), edge.CreatedUnixMs);

    public static WireGraphPath? ToWire(GraphPath? path) => path is null ? null : new WireGraphPath(path.NodeIds, path.EdgeIds);

    public static GraphNodeInput ToNodeInput(WireGraphNodeInput node) => new()
    {
        Id = node.Id,
        Labels = node.Labels,
        Properties = ToGraph(node.Properties),
        EmbeddingText = node.EmbeddingText,
        Embedding = node.Embedding,
    };

    public static GraphEdgeInput ToEdgeInput(WireGraphEdgeInput edge) => new()
    {
        From = edge.From,
        Type = edge.Type,
        To = edge.To,
        Id = edge.Id,
        Properties = ToGraph(edge.Properties),
    };

    public static GraphNodeFilter ToFilter(WireNodeFilter filter) =>
        filter.Labels.Count == 0 && filter.Properties.Count == 0
            ? GraphNodeFilter.Any
            : new GraphNodeFilter { Labels = filter.Labels, Properties = ToGraph(filter.Properties) };

    public static GraphDirection ToDirection(WireGraphDirection direction) => direction switch
    {
        WireGraphDirection.In => GraphDirection.In,
        WireGraphDirection.Both => GraphDirection.Both,
        _ => GraphDirection.Out,
    };

    public static WireGraphDirection ToWire(GraphDirection direction) => direction switch
    {
        GraphDirection.In => WireGraphDirection.In,
        GraphDirection.Both => WireGraphDirection.Both,
        _ => WireGraphDirection.Out,
    };

    /// <summary>Null for an empty list: the memory layer's "every edge type".</summary>
    public static IReadOnlyList<string>? ToEdgeTypes(IReadOnlyList<string> types) => types.Count == 0 ? null : types;

    public static Dictionary<string, GraphValue>? ToGraph(IReadOnlyDictionary<string, PropertyValue> properties)
    {
        if (properties.Count == 0)
        {
            return null;
        }
        var graph = new Dictionary<string, GraphValue>(properties.Count, StringComparer.Ordinal);
        foreach (var (key, value) in properties)
        {
            graph[key] = value.Kind switch
            {
                PropertyValueKind.String => GraphValue.From(value.AsString()),
                PropertyValueKind.Int64 => GraphValue.From(value.AsInt64()),
                PropertyValueKind.Double => GraphValue.From(value.AsDouble()),
                PropertyValueKind.Boolean => GraphValue.From(value.AsBoolean()),
                _ => throw new ArgumentException($"property '{key}' has no value", nameof(properties)),
            };
        }
        return graph;
    }

    public static Dictionary<string, PropertyValue> ToWire(IReadOnlyDictionary<string, GraphValue> properties)
    {
        var wire = new Dictionary<string, PropertyValue>(properties.Count, StringComparer.Ordinal);
        foreach (var (key, value) in properties)
        {
            wire[key] = value.Kind switch
            {
                GraphValueKind.String => PropertyValue.From(value.AsString()),
                GraphValueKind.Int64 => PropertyValue.From(value.AsInt64()),
                GraphValueKind.Double => PropertyValue.From(value.AsDouble()),
                GraphValueKind.Boolean => PropertyValue.From(value.AsBoolean()),
                _ => throw new InvalidOperationException($"stored property '{key}' has no value"),
            };
        }
        return wire;
    }

    public static Certificate? ToWire(RecallCertificate? certificate)
    {
        if (certificate is null)
        {
            return null;
        }
        var items = new CertificateItem[certificate.Items.Count];
        for (var i = 0; i < items.Length; i++)
        {
            var item = certificate.Items[i];
            items[i] = new CertificateItem((int)item.Kind, item.Shard, item.Collection, item.Id, item.ContentHash);
        }
        return new Certificate(items, certificate.MerkleRoot, certificate.CreatedUnixMs);
    }

    /// <exception cref="ArgumentException">An item names a kind of memory that does not exist.</exception>
    public static RecallCertificate ToCertificate(Certificate certificate)
    {
        var items = new CertifiedItem[certificate.Items.Count];
        for (var i = 0; i < items.Length; i++)
        {
            var item = certificate.Items[i];
            if (!Enum.IsDefined((MemoryKind)item.Kind))
            {
                throw new ArgumentException(
                    $"certificate item {i} has kind {item.Kind}; the kinds are 0 reflexion, 1 skills, 2 causal, 3 graph", nameof(certificate));
            }
            items[i] = new CertifiedItem((MemoryKind)item.Kind, item.Shard, item.Collection, item.Id, item.ContentHash);
        }
        return RecallCertificate.FromParts(items, certificate.MerkleRoot, certificate.CreatedUnixMs);
    }
}
