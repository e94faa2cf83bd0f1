using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>One MEMORY_BATCH operation: <c>[kind: uint, body]</c>, the body's shape given by the kind
/// (<see cref="MemoryBatchOperationKind"/>). Exactly one of the body properties is set.</summary>
public sealed class MemoryBatchOperation
{
    private MemoryBatchOperation(MemoryBatchOperationKind kind) => Kind = kind;

    /// <summary>What the operation does.</summary>
    public MemoryBatchOperationKind Kind { get; }

    /// <summary>The episode of <see cref="MemoryBatchOperationKind.StoreEpisode"/>.</summary>
    public WireEpisode? Episode { get; private init; }

    /// <summary>The skill of <see cref="MemoryBatchOperationKind.CreateSkill"/> and <see cref="MemoryBatchOperationKind.UpsertSkill"/>.</summary>
    public WireSkill? Skill { get; private init; }

    /// <summary>The edge of <see cref="MemoryBatchOperationKind.AddCausalEdge"/>.</summary>
    public CausalAddEdgeRequest? CausalEdge { get; private init; }

    /// <summary>The edge key of <see cref="MemoryBatchOperationKind.RemoveCausalEdge"/>.</summary>
    public CausalEdgeKeyRequest? CausalEdgeKey { get; private init; }

    /// <summary>The node of <see cref="MemoryBatchOperationKind.AddNode"/> and <see cref="MemoryBatchOperationKind.UpsertNode"/>.</summary>
    public WireGraphNodeInput? Node { get; private init; }

    /// <summary>The edge of <see cref="MemoryBatchOperationKind.AddEdge"/>.</summary>
    public WireGraphEdgeInput? Edge { get; private init; }

    /// <summary>The id of <see cref="MemoryBatchOperationKind.DeleteNode"/> and <see cref="MemoryBatchOperationKind.DeleteEdge"/>.</summary>
    public string? Id { get; private init; }

    /// <summary>Stores an episode.</summary>
    public static MemoryBatchOperation StoreEpisode(WireEpisode episode) =>
        new(MemoryBatchOperationKind.StoreEpisode) { Episode = episode ?? throw new ArgumentNullException(nameof(episode)) };

    /// <summary>Creates a skill.</summary>
    public static MemoryBatchOperation CreateSkill(WireSkill skill) =>
        new(MemoryBatchOperationKind.CreateSkill) { Skill = skill ?? throw new ArgumentNullException(nameof(skill)) };

    /// <summary>Creates or replaces a skill.</summary>
    public static MemoryBatchOperation UpsertSkill(WireSkill skill) =>
        new(MemoryBatchOperationKind.UpsertSkill) { Skill = skill ?? throw new ArgumentNullException(nameof(skill)) };

    /// <summary>Adds a causal edge.</summary>
    public static MemoryBatchOperation AddCausalEdge(CausalAddEdgeRequest edge) =>
        new(MemoryBatchOperationKind.AddCausalEdge) { CausalEdge = edge ?? throw new ArgumentNullException(nameof(edge)) };

    /// <summary>Removes a causal edge.</summary>
    public static MemoryBatchOperation RemoveCausalEdge(string from, string to, string? mechanism) =>
        new(MemoryBatchOperationKind.RemoveCausalEdge) { CausalEdgeKey = new CausalEdgeKeyRequest(from, to, mechanism) };

    /// <summary>Adds a graph node.</summary>
    public static MemoryBatchOperation AddNode(WireGraphNodeInput node) =>
        new(MemoryBatchOperationKind.AddNode) { Node = node ?? throw new ArgumentNullException(nameof(node)) };

    /// <summary>Creates or replaces a graph node.</summary>
    public static MemoryBatchOperation UpsertNode(WireGraphNodeInput node) =>
        new(MemoryBatchOperationKind.UpsertNode) { Node = node ?? throw new ArgumentNullException(nameof(node)) };

    /// <summary>Deletes a graph node with its edges.</summary>
    public static MemoryBatchOperation DeleteNode(string id) =>
        new(MemoryBatchOperationKind.DeleteNode) { Id = id ?? throw new ArgumentNullException(nameof(id)) };

    /// <summary>Adds a graph edge.</summary>
    public static MemoryBatchOperation AddEdge(WireGraphEdgeInput edge) =>
        new(MemoryBatchOperationKind.AddEdge) { Edge = edge ?? throw new ArgumentNullException(nameof(edge)) };

    /// <summary>Deletes a graph edge.</summary>
    public static MemoryBatchOperation DeleteEdge(string id) =>
        new(MemoryBatchOperationKind.DeleteEdge) { Id = id ?? throw new ArgumentNullException(nameof(id)) };

    internal void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(2);
        writer.Write((byte)Kind);
        switch (Kind)
        {
            case MemoryBatchOperationKind.StoreEpisode: Episode!.Write(ref writer); break;
            case MemoryBatchOperationKind.CreateSkill or MemoryBatchOperationKind.UpsertSkill: Skill!.Write(ref writer); break;
            case MemoryBatchOperationKind.AddCausalEdge: CausalEdge!.Write(ref writer); break;
            case MemoryBatchOperationKind.RemoveCausalEdge: CausalEdgeKey!.Write(ref writer); break;
            case MemoryBatchOperationKind.AddNode or MemoryBatchOperationKind.UpsertNode: Node!.Write(ref writer); break;
            case MemoryBatchOperationKind.AddEdge: Edge!.Write(ref writer); break;
            default: writer.Write(Id!); break;
        }
    }

    internal static MemoryBatchOperation Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 2, "batch operation");
        var kind = (MemoryBatchOperationKind)Fields.ReadUInt32(ref reader, "operation.kind", (uint)MemoryBatchOperationKind.DeleteEdge);
        var operation = kind switch
        {
            MemoryBatchOperationKind.StoreEpisode => StoreEpisode(WireEpisode.Read(ref reader)),
            MemoryBatchOperationKind.CreateSkill => CreateSkill(WireSkill.Read(ref reader)),
            MemoryBatchOperationKind.UpsertSkill => UpsertSkill(WireSkill.Read(ref reader)),
            MemoryBatchOperationKind.AddCausalEdge => AddCausalEdge(CausalAddEdgeRequest.Read(ref reader)),
            MemoryBatchOperationKind.RemoveCausalEdge => new MemoryBatchOperation(kind) { CausalEdgeKey = CausalEdgeKeyRequest.Read(ref reader) },
            MemoryBatchOperationKind.AddNode => AddNode(WireGraphNodeInput.Read(ref reader)),
            MemoryBatchOperationKind.UpsertNode => UpsertNode(WireGraphNodeInput.Read(ref reader)),
            MemoryBatchOperationKind.AddEdge => AddEdge(WireGraphEdgeInput.Read(ref reader)),
            _ => new MemoryBatchOperation(kind) { Id = Fields.ReadString(ref reader, WireLimits.MaxIdBytes, "operation.id") },
        };
        Fields.SkipExtraFields(ref reader, count, 2);
        return operation;
    }
}
