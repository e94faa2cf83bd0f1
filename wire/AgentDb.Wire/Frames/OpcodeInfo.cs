namespace AgentDb.Wire.Frames;

/// <summary>Names and validity of opcodes, without reflection or allocation.</summary>
public static class OpcodeInfo
{
    // An array, not a collection expression in the property: a span of enums built in place would allocate per call.
    private static readonly Opcode[] s_all =
    [
        Opcode.Hello, Opcode.Ping,
        Opcode.CollectionCreate, Opcode.CollectionDrop, Opcode.CollectionList,
        Opcode.Upsert, Opcode.Get, Opcode.Delete, Opcode.Batch,
        Opcode.Search, Opcode.Stats, Opcode.Checkpoint,
        .. MemoryOpcodes.All,
        Opcode.ReplSubscribe, Opcode.ReplEntries, Opcode.ReplAck, Opcode.ReplSnapshot, Opcode.ReplSnapshotRead,
    ];

    /// <summary>True when <paramref name="opcode"/> is an operation this protocol version defines.</summary>
    public static bool IsDefined(Opcode opcode) => opcode switch
    {
        Opcode.Hello or Opcode.Ping
            or Opcode.CollectionCreate or Opcode.CollectionDrop or Opcode.CollectionList
            or Opcode.Upsert or Opcode.Get or Opcode.Delete or Opcode.Batch
            or Opcode.Search or Opcode.Stats or Opcode.Checkpoint
            or Opcode.ReplSubscribe or Opcode.ReplEntries or Opcode.ReplAck or Opcode.ReplSnapshot or Opcode.ReplSnapshotRead => true,
        _ => MemoryOpcodes.IsMemory(opcode),
    };

    /// <summary>The protocol name of an opcode, e.g. <c>COLLECTION_CREATE</c>; <c>UNKNOWN</c> for undefined values.</summary>
    public static string Name(Opcode opcode) => opcode switch
    {
        Opcode.Hello => "HELLO",
        Opcode.Ping => "PING",
        Opcode.CollectionCreate => "COLLECTION_CREATE",
        Opcode.CollectionDrop => "COLLECTION_DROP",
        Opcode.CollectionList => "COLLECTION_LIST",
        Opcode.Upsert => "UPSERT",
        Opcode.Get => "GET",
        Opcode.Delete => "DELETE",
        Opcode.Batch => "BATCH",
        Opcode.Search => "SEARCH",
        Opcode.Stats => "STATS",
        Opcode.Checkpoint => "CHECKPOINT",
        Opcode.ReplSubscribe => "REPL_SUBSCRIBE",
        Opcode.ReplEntries => "REPL_ENTRIES",
        Opcode.ReplAck => "REPL_ACK",
        Opcode.ReplSnapshot => "REPL_SNAPSHOT",
        Opcode.ReplSnapshotRead => "REPL_SNAPSHOT_READ",
        _ => MemoryOpcodes.Name(opcode) ?? "UNKNOWN",
    };

    /// <summary>True for the replication opcodes (0x2000–0x20FF), spoken between servers only.</summary>
    public static bool IsReplication(Opcode opcode) =>
        (ushort)opcode >= OpcodeRanges.ReplicationFirst && (ushort)opcode < OpcodeRanges.ReplicationFirst + OpcodeRanges.FamilySize;

    /// <summary>Every defined opcode, in numeric order.</summary>
    public static ReadOnlySpan<Opcode> All => s_all;
}
