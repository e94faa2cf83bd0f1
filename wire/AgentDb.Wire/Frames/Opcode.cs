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
