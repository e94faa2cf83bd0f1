namespace AgentDb.Wire.Frames;

/// <summary>
/// The operation a frame carries (header offset 4, little-endian uint16). A response repeats its request's opcode.
/// </summary>
/// <remarks>
/// Persisted on the wire: values are explicit and append-only. Never renumber or reuse a value; a retired opcode keeps
/// its number forever. Ranges are reserved for whole families (see <see cref="OpcodeRanges"/>) so that a family can
/// grow without interleaving. <c>OpcodeTests</c> pins every value.
/// </remarks>
public enum Opcode : ushort
{
    /// <summary>Never valid on the wire: catches zeroed headers.</summary>
    None = 0x0000,

    /// <summary>Version negotiation and authentication; must be the first request on a connection.</summary>
    Hello = 0x0001,

    /// <summary>Liveness round trip; empty body both ways.</summary>
    Ping = 0x0002,

    /// <summary>Create a vector collection.</summary>
    CollectionCreate = 0x0010,

    /// <summary>Drop a collection and everything in it.</summary>
    CollectionDrop = 0x0011,

    /// <summary>List the collections.</summary>
    CollectionList = 0x0012,

    /// <summary>Insert or replace one record.</summary>
    Upsert = 0x0020,

    /// <summary>Read one record by id.</summary>
    Get = 0x0021,

    /// <summary>Delete one record by id.</summary>
    Delete = 0x0022,

    /// <summary>Apply several upserts and deletes to one collection as one write.</summary>
    Batch = 0x0023,

    /// <summary>k-nearest-neighbour search with an optional filter.</summary>
    Search = 0x0030,

    /// <summary>Server and collection statistics.</summary>
    Stats = 0x0040,

    /// <summary>Make everything acknowledged so far durable in the data files and truncate the log.</summary>
    Checkpoint = 0x0041,

    // Agent memory (docs/PROTOCOL.md section 12). Families of 0x100 each; see MemoryOpcodes for names and roles.

    /// <summary>Store one or more reflexion episodes.</summary>
    EpisodeStore = 0x1000,

    /// <summary>The episodes most relevant to a task text or vector, filtered.</summary>
    EpisodeRetrieve = 0x1001,

    /// <summary>Statistics over the episodes of one task.</summary>
    EpisodeTaskStats = 0x1002,

    /// <summary>The critiques of a task's best and worst episodes.</summary>
    EpisodeCritiques = 0x1003,

    /// <summary>One episode by id.</summary>
    EpisodeGet = 0x1004,

    /// <summary>Create a skill (its name must be free).</summary>
    SkillCreate = 0x1100,

    /// <summary>Create or replace a skill.</summary>
    SkillUpsert = 0x1101,

    /// <summary>One skill by name.</summary>
    SkillGet = 0x1102,

    /// <summary>The skills most relevant to a task text or vector.</summary>
    SkillSearch = 0x1103,

    /// <summary>Record one use of a skill (updates its statistics).</summary>
    SkillRecordUse = 0x1104,

    /// <summary>Turn successful episodes into skills.</summary>
    SkillConsolidate = 0x1105,

    /// <summary>Add or update a causal edge.</summary>
    CausalAddEdge = 0x1200,

    /// <summary>Remove a causal edge.</summary>
    CausalRemoveEdge = 0x1201,

    /// <summary>The edges leaving a memory (its effects).</summary>
    CausalEffects = 0x1202,

    /// <summary>The edges arriving at a memory (its causes).</summary>
    CausalCauses = 0x1203,

    /// <summary>The strongest causal chain between two memories.</summary>
    CausalChain = 0x1204,

    /// <summary>Episodes ranked by similarity and causal uplift.</summary>
    CausalRecall = 0x1205,

    /// <summary>One causal edge by (from, to, mechanism).</summary>
    CausalGetEdge = 0x1206,

    /// <summary>Add a graph node.</summary>
    GraphNodeAdd = 0x1300,

    /// <summary>Create or replace a graph node.</summary>
    GraphNodeUpsert = 0x1301,

    /// <summary>One graph node by id.</summary>
    GraphNodeGet = 0x1302,

    /// <summary>Delete a graph node and its edges.</summary>
    GraphNodeDelete = 0x1303,

    /// <summary>Add a graph edge.</summary>
    GraphEdgeAdd = 0x1304,

    /// <summary>One graph edge by id.</summary>
    GraphEdgeGet = 0x1305,

    /// <summary>Delete a graph edge.</summary>
    GraphEdgeDelete = 0x1306,

    /// <summary>A node's neighbours.</summary>
    GraphNeighbors = 0x1307,

    /// <summary>A bounded breadth-first walk from a node.</summary>
    GraphTraverse = 0x1308,

    /// <summary>A path with the fewest edges between two nodes.</summary>
    GraphShortestPath = 0x1309,

    /// <summary>Matches of a one-edge pattern.</summary>
    GraphMatch = 0x130A,

    /// <summary>The nodes whose embeddings are nearest a text or vector.</summary>
    GraphNodeSearch = 0x130B,

    /// <summary>Several agent-memory writes as one atomic write.</summary>
    MemoryBatch = 0x1400,

    /// <summary>Verify a recall certificate against the stored records.</summary>
    CertificateVerify = 0x1401,

    /// <summary>The agent memory's embedder and counters.</summary>
    MemoryStats = 0x1402,
    /// <summary>Replication, server to server: a replica asks for the primary's log from an LSN on.</summary>
    ReplSubscribe = 0x2000,

    /// <summary>Replication: a batch of the primary's log entries, sent by the primary on a subscription.</summary>
    ReplEntries = 0x2001,

    /// <summary>Replication: the replica reports the last LSN it applied durably.</summary>
    ReplAck = 0x2002,

    /// <summary>Replication: a replica whose log position the primary no longer holds asks for a snapshot (a backup) to start from.</summary>
    ReplSnapshot = 0x2003,

    /// <summary>Replication: reads a piece of a file of a snapshot.</summary>
    ReplSnapshotRead = 0x2004,
}
