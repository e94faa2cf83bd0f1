namespace AgentDb.Wire.Messages.Memory;

/// <summary>The tag of a MEMORY_BATCH operation. Persisted on the wire: values are explicit and append-only.</summary>
public enum MemoryBatchOperationKind : byte
{
    /// <summary>Store an episode; body <c>WireEpisode</c>; result its id.</summary>
    StoreEpisode = 0,

    /// <summary>Create a skill (the name must be free); body <c>WireSkill</c>.</summary>
    CreateSkill = 1,

    /// <summary>Create or replace a skill; body <c>WireSkill</c>.</summary>
    UpsertSkill = 2,

    /// <summary>Add or update a causal edge; body as CAUSAL_ADD_EDGE's request; result the edge id.</summary>
    AddCausalEdge = 3,

    /// <summary>Remove a causal edge; body <c>[from, to, mechanism]</c>.</summary>
    RemoveCausalEdge = 4,

    /// <summary>Add a graph node; body <c>WireGraphNodeInput</c>; result its id.</summary>
    AddNode = 5,

    /// <summary>Create or replace a graph node; body <c>WireGraphNodeInput</c>; result its id.</summary>
    UpsertNode = 6,

    /// <summary>Delete a graph node and its edges; body the node id (str).</summary>
    DeleteNode = 7,

    /// <summary>Add a graph edge; body <c>WireGraphEdgeInput</c>; result its id.</summary>
    AddEdge = 8,

    /// <summary>Delete a graph edge; body the edge id (str).</summary>
    DeleteEdge = 9,
}
