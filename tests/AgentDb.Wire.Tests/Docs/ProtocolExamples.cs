using AgentDb.Wire.Frames;
using AgentDb.Wire.Messages;

namespace AgentDb.Wire.Tests.Docs;

/// <summary>The example frames of docs/PROTOCOL.md, built with the real codec.</summary>
internal static class ProtocolExamples
{
    public sealed record Example(string Name, byte[] Frame, string[] Fields);

    private static readonly float[] s_vector = [1f, 0.5f, -2f];
    private static readonly byte[] s_payload = [0x81, 0xA3, (byte)'t', (byte)'a', (byte)'g', 0xA1, (byte)'x']; // {"tag": "x"}

    public static IReadOnlyList<Example> All { get; } =
    [
        Request("hello-request", Opcode.Hello, 1, new HelloRequest(1, 1, "k3y-0123456789abcdef", "agentdb-dotnet/0.1.0"),
            "minVersion", "maxVersion", "apiKey", "clientName"),
        Response("hello-response", Opcode.Hello, 1, new HelloResponse(1, "agentdb/0.1.0", AccessRole.Write, WireInfo.DefaultMaxFrameSize, 128),
            "version", "serverName", "role (2 = write)", "maxFrameSize", "maxInFlight"),
        Request("ping-request", Opcode.Ping, 2, EmptyMessage.Instance),
        Response("ping-response", Opcode.Ping, 2, EmptyMessage.Instance),
        Request("collection-create-request", Opcode.CollectionCreate, 3, new CollectionCreateRequest("docs", 3, VectorMetric.Cosine),
            "name", "dimension", "metric (1 = cosine)", "m (0 = default)", "efConstruction (0 = default)"),
        Response("collection-create-response", Opcode.CollectionCreate, 3, EmptyMessage.Instance),
        Request("collection-drop-request", Opcode.CollectionDrop, 4, new CollectionDropRequest("docs"), "name"),
        Response("collection-drop-response", Opcode.CollectionDrop, 4, EmptyMessage.Instance),
        Request("collection-list-request", Opcode.CollectionList, 5, EmptyMessage.Instance),
        Response("collection-list-response", Opcode.CollectionList, 5,
            new CollectionListResponse([new CollectionInfo("docs", 3, VectorMetric.Cosine, 2)]), "collections"),
        Request("upsert-request", Opcode.Upsert, 6, new UpsertRequest("docs", "a1", s_vector, s_payload),
            "collection", "id", "vector", "payload"),
        Request("upsert-request-w", Opcode.Upsert, 6, new UpsertRequest("docs", "a1", s_vector, s_payload, replicas: 1),
            "collection", "id", "vector", "payload", "w"),
        Response("upsert-response", Opcode.Upsert, 6, new UpsertResponse(7, true), "version", "created"),
        Request("get-request", Opcode.Get, 7, new GetRequest("docs", "a1", true), "collection", "id", "includeVector"),
        Request("get-request-min-lsn", Opcode.Get, 7, new GetRequest("docs", "a1", true, minLsn: 7), "collection", "id", "includeVector", "minLsn"),
        Response("get-response", Opcode.Get, 7, new GetResponse("a1", s_vector, s_payload, 7), "id", "vector", "payload", "version"),
        Request("delete-request", Opcode.Delete, 8, new DeleteRequest("docs", "a1"), "collection", "id"),
        Response("delete-response", Opcode.Delete, 8, new DeleteResponse(true, 8), "deleted", "lsn"),
        Request("batch-request", Opcode.Batch, 9, new BatchRequest("docs",
            [
                new BatchOperation(BatchOperationKind.Upsert, "b1", s_vector, ReadOnlyMemory<byte>.Empty),
                new BatchOperation(BatchOperationKind.Delete, "a1", ReadOnlyMemory<float>.Empty, ReadOnlyMemory<byte>.Empty),
            ]), "collection", "operations"),
        Response("batch-response", Opcode.Batch, 9, new BatchResponse(2, 9), "applied", "version"),
        Request("search-request", Opcode.Search, 10, new SearchRequest("docs", s_vector, 2, 0, s_payload, false, true),
            "collection", "vector", "k", "ef (0 = default)", "filter", "includeVector", "includePayload"),
        Response("search-response", Opcode.Search, 10, new SearchResponse(
            [
                new SearchHit("b1", 0f, ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<float>.Empty),
                new SearchHit("c7", 0.25f, s_payload, ReadOnlyMemory<float>.Empty),
            ]), "hits"),
        Request("stats-request", Opcode.Stats, 11, new StatsRequest(null), "collection (nil = whole server)"),
        Response("stats-response", Opcode.Stats, 11, new StatsResponse(
            [new KeyValuePair<string, long>("collections", 1), new KeyValuePair<string, long>("records", 2)]), "stats"),
        Request("checkpoint-request", Opcode.Checkpoint, 12, EmptyMessage.Instance),
        Response("checkpoint-response", Opcode.Checkpoint, 12, new CheckpointResponse(4096), "logAddress"),
        Request("repl-subscribe-request", Opcode.ReplSubscribe, 20, new ReplSubscribeRequest("replica-1", 42, 8, 1 << 20),
            "replicaId", "fromLsn", "window", "maxBatchBytes"),
        Response("repl-entries-response", Opcode.ReplEntries, 20, new ReplEntriesMessage(43, 1_767_225_600_000_000,
            [new ReplicatedEntry(42, 41, new byte[] { 0x03, 0x01, 0x00, 0x00 })]),
            "primaryLastLsn", "sentAtUnixMicros", "entries"),
        Response("repl-entries-commits-response", Opcode.ReplEntries, 20, new ReplEntriesMessage(43, 1_767_225_600_000_000,
            [new ReplicatedEntry(42, 41, new byte[] { 0x03, 0x01, 0x00, 0x00 })], [new ReplCommitTime(42, 1_767_225_599_998_500)]),
            "primaryLastLsn", "sentAtUnixMicros", "entries", "commits"),
        Response("repl-subscribe-response", Opcode.ReplSubscribe, 20, new ReplSubscribeResponse(43), "lastLsn"),
        Request("repl-ack-request", Opcode.ReplAck, 21, new ReplAckRequest("replica-1", 42), "replicaId", "appliedLsn"),
        Response("repl-ack-response", Opcode.ReplAck, 21, EmptyMessage.Instance),
        Request("repl-snapshot-request", Opcode.ReplSnapshot, 22, new ReplSnapshotRequest("replica-1"), "replicaId"),
        Response("repl-snapshot-response", Opcode.ReplSnapshot, 22, new ReplSnapshotResponse("9f1c", 40,
            [new SnapshotFile("BACKUP", 64), new SnapshotFile("rocksdb/CURRENT", 16)]), "snapshotId", "appliedLsn", "files"),
        Request("repl-snapshot-read-request", Opcode.ReplSnapshotRead, 23, new ReplSnapshotReadRequest("9f1c", "rocksdb/CURRENT", 0, 1 << 20),
            "snapshotId", "path", "offset", "maxBytes"),
        Response("repl-snapshot-read-response", Opcode.ReplSnapshotRead, 23, new ReplSnapshotReadResponse(new byte[] { 0x4D, 0x41, 0x4E, 0x49 }), "data"),
        Error("error-not-primary", Opcode.Upsert, 13, new ErrorResponse(ErrorCode.NotPrimary, "not the primary", "db-1:4433"),
            "code (7 = NOT_PRIMARY)", "message", "primary"),
        Error("error-unknown-opcode", (Opcode)0x7777, 14, new ErrorResponse(ErrorCode.BadRequest, "unknown opcode 0x7777"),
            "code (1 = BAD_REQUEST)", "message", "primary"),
        .. MemoryProtocolExamples.All,
    ];

    private static Example Request<T>(string name, Opcode opcode, ulong id, T message, params string[] fields)
        where T : IWireMessage<T> => new(name, TestFrames.Message(opcode, FrameFlags.None, id, message), fields);

    private static Example Response<T>(string name, Opcode opcode, ulong id, T message, params string[] fields)
        where T : IWireMessage<T> => new(name, TestFrames.Message(opcode, FrameFlags.Response, id, message), fields);

    private static Example Error(string name, Opcode opcode, ulong id, ErrorResponse message, params string[] fields) =>
        new(name, TestFrames.Message(opcode, FrameFlags.Response | FrameFlags.Error, id, message), fields);
}
