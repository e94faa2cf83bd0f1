using AgentDb.Wire.Frames;
using AgentDb.Wire.Messages;

namespace AgentDb.Client;

/// <summary>
/// The typed operations of the protocol (docs/PROTOCOL.md section 8) as extension methods of
/// <see cref="IAgentDbSender"/>: written once, called the same way on one connection (<see cref="AgentDbClient"/>) and on a
/// pool (<see cref="AgentDbClientPool"/>, which retries transient failures and follows NOT_PRIMARY as
/// <see cref="AgentDbRetryPolicy"/> says: reads are retried, writes only when they provably never reached the server).
/// The agent-memory operations are in <see cref="AgentDbMemoryOperations"/>.
/// </summary>
public static class AgentDbOperations
{
    /// <summary>One round trip to the server.</summary>
    /// <exception cref="AgentDbException">The server answered with an error.</exception>
    /// <exception cref="AgentDbConnectionException">The connection is gone.</exception>
    /// <exception cref="TimeoutException">No answer within the request timeout.</exception>
    public static async Task PingAsync(this IAgentDbSender sender, CancellationToken cancellationToken = default) =>
        await sender.SendAsync<EmptyMessage, EmptyMessage>(Opcode.Ping, EmptyMessage.Instance, cancellationToken).ConfigureAwait(false);

    /// <summary>COLLECTION_CREATE: creates a vector collection (admin).</summary>
    /// <param name="sender">The connection or pool that sends it.</param>
    /// <param name="name">1–256 UTF-8 bytes.</param>
    /// <param name="dimension">1–65536.</param>
    /// <param name="metric">The distance function.</param>
    /// <param name="m">HNSW links per node; 0 for the server's default.</param>
    /// <param name="efConstruction">HNSW build beam width; 0 for the server's default.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    public static async Task CreateCollectionAsync(this IAgentDbSender sender,
        string name, int dimension, VectorMetric metric, int m = 0, int efConstruction = 0, CancellationToken cancellationToken = default) =>
        await sender.SendAsync<CollectionCreateRequest, EmptyMessage>(
            Opcode.CollectionCreate, new CollectionCreateRequest(name, dimension, metric, m, efConstruction), cancellationToken).ConfigureAwait(false);

    /// <summary>COLLECTION_DROP: drops a collection and its records (admin). NOT_FOUND when it does not exist.</summary>
    public static async Task DropCollectionAsync(this IAgentDbSender sender, string name, CancellationToken cancellationToken = default) =>
        await sender.SendAsync<CollectionDropRequest, EmptyMessage>(Opcode.CollectionDrop, new CollectionDropRequest(name), cancellationToken)
            .ConfigureAwait(false);

    /// <summary>COLLECTION_LIST: every collection, in name order.</summary>
    public static async Task<IReadOnlyList<CollectionInfo>> ListCollectionsAsync(this IAgentDbSender sender, CancellationToken cancellationToken = default) =>
        (await sender.SendAsync<EmptyMessage, CollectionListResponse>(Opcode.CollectionList, EmptyMessage.Instance, cancellationToken)
            .ConfigureAwait(false)).Collections;

    /// <summary>UPSERT: inserts or replaces one record (write). Durable when this returns. The response's
    /// <see cref="UpsertResponse.Version"/> is the write's LSN: pass it as a read's <c>minLsn</c> to read it back from a replica.</summary>
    /// <param name="sender">The connection or pool that sends it.</param>
    /// <param name="collection">The collection.</param>
    /// <param name="id">The record id, 1–512 UTF-8 bytes.</param>
    /// <param name="vector">The vector; empty keeps the stored one.</param>
    /// <param name="payload">One MessagePack map, or empty for none.</param>
    /// <param name="replicas">W for this write: answer only once this many replicas applied it durably (NOT_REPLICATED
    /// after the server's sync timeout otherwise); 0 for the server's configured mode.</param>
    /// <param name="cancellationToken">Stops waiting; the write may still happen.</param>
    public static Task<UpsertResponse> UpsertAsync(this IAgentDbSender sender,
        string collection, string id, ReadOnlyMemory<float> vector, ReadOnlyMemory<byte> payload = default, int replicas = 0,
        CancellationToken cancellationToken = default) =>
        sender.SendAsync<UpsertRequest, UpsertResponse>(Opcode.Upsert, new UpsertRequest(collection, id, vector, payload, replicas), cancellationToken);

    /// <summary>GET: one record by id. Throws <see cref="AgentDbException"/> with <see cref="ErrorCode.NotFound"/>
    /// when it does not exist.</summary>
    /// <param name="sender">The connection or pool that sends it.</param>
    /// <param name="collection">The collection.</param>
    /// <param name="id">The record id.</param>
    /// <param name="includeVector">Return the vector too.</param>
    /// <param name="minLsn">Read-your-writes: the server reads only once it has applied at least this LSN (a write's
    /// version), waiting a bounded time, else <see cref="ErrorCode.Busy"/>; 0 for no condition.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    public static Task<GetResponse> GetAsync(this IAgentDbSender sender,
        string collection, string id, bool includeVector = false, ulong minLsn = 0, CancellationToken cancellationToken = default) =>
        sender.SendAsync<GetRequest, GetResponse>(Opcode.Get, new GetRequest(collection, id, includeVector, minLsn), cancellationToken);

    /// <summary>DELETE: removes one record (write).</summary>
    /// <returns>False when there was no such record.</returns>
    /// <param name="sender">The connection or pool that sends it.</param>
    /// <param name="collection">The collection.</param>
    /// <param name="id">The record id.</param>
    /// <param name="replicas">W for this write, as for <see cref="UpsertAsync"/>; 0 for the server's configured mode.</param>
    /// <param name="cancellationToken">Stops waiting; the write may still happen.</param>
    public static async Task<bool> DeleteAsync(this IAgentDbSender sender, string collection, string id, int replicas = 0,
        CancellationToken cancellationToken = default) =>
        (await sender.DeleteWithLsnAsync(collection, id, replicas, cancellationToken).ConfigureAwait(false)).Deleted;

    /// <summary>DELETE, with the response's LSN (<see cref="DeleteResponse.Lsn"/>, for a read's <c>minLsn</c>).</summary>
    /// <param name="sender">The connection or pool that sends it.</param>
    /// <param name="collection">The collection.</param>
    /// <param name="id">The record id.</param>
    /// <param name="replicas">W for this write, as for <see cref="UpsertAsync"/>; 0 for the server's configured mode.</param>
    /// <param name="cancellationToken">Stops waiting; the write may still happen.</param>
    public static Task<DeleteResponse> DeleteWithLsnAsync(this IAgentDbSender sender, string collection, string id, int replicas = 0,
        CancellationToken cancellationToken = default) =>
        sender.SendAsync<DeleteRequest, DeleteResponse>(Opcode.Delete, new DeleteRequest(collection, id, replicas), cancellationToken);

    /// <summary>BATCH: upserts and deletes applied in order as one write, all or none (write). The response's
    /// <see cref="BatchResponse.Version"/> is the batch's LSN.</summary>
    /// <param name="sender">The connection or pool that sends it.</param>
    /// <param name="collection">The collection.</param>
    /// <param name="operations">The operations, in order.</param>
    /// <param name="replicas">W for this write, as for <see cref="UpsertAsync"/>; 0 for the server's configured mode.</param>
    /// <param name="cancellationToken">Stops waiting; the write may still happen.</param>
    public static Task<BatchResponse> BatchAsync(this IAgentDbSender sender,
        string collection, IReadOnlyList<BatchOperation> operations, int replicas = 0, CancellationToken cancellationToken = default) =>
        sender.SendAsync<BatchRequest, BatchResponse>(Opcode.Batch, new BatchRequest(collection, operations, replicas), cancellationToken);

    /// <summary>SEARCH: the <paramref name="k"/> records nearest to <paramref name="vector"/>, closest first.</summary>
    /// <param name="sender">The connection or pool that sends it.</param>
    /// <param name="collection">The collection.</param>
    /// <param name="vector">The query.</param>
    /// <param name="k">1–10000.</param>
    /// <param name="ef">Search beam width; 0 for the server's default.</param>
    /// <param name="filter">One MessagePack map (payload equality), or empty for none.</param>
    /// <param name="includeVector">Return each hit's vector.</param>
    /// <param name="includePayload">Return each hit's payload.</param>
    /// <param name="minLsn">Read-your-writes, as for <see cref="GetAsync"/>; 0 for no condition.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    public static async Task<IReadOnlyList<SearchHit>> SearchAsync(this IAgentDbSender sender,
        string collection, ReadOnlyMemory<float> vector, int k, int ef = 0, ReadOnlyMemory<byte> filter = default,
        bool includeVector = false, bool includePayload = true, ulong minLsn = 0, CancellationToken cancellationToken = default) =>
        (await sender.SendAsync<SearchRequest, SearchResponse>(
            Opcode.Search, new SearchRequest(collection, vector, k, ef, filter, includeVector, includePayload, minLsn), cancellationToken)
            .ConfigureAwait(false)).Hits;

    /// <summary>STATS: named counters for one collection, or for the server when <paramref name="collection"/> is null.</summary>
    public static async Task<IReadOnlyList<KeyValuePair<string, long>>> StatsAsync(this IAgentDbSender sender,
        string? collection = null, CancellationToken cancellationToken = default) =>
        (await sender.SendAsync<StatsRequest, StatsResponse>(Opcode.Stats, new StatsRequest(collection), cancellationToken)
            .ConfigureAwait(false)).Values;

    /// <summary>CHECKPOINT: makes everything acknowledged so far durable in the data files (admin).</summary>
    /// <returns>The log address everything before which is in the data files.</returns>
    public static async Task<ulong> CheckpointAsync(this IAgentDbSender sender, CancellationToken cancellationToken = default) =>
        (await sender.SendAsync<EmptyMessage, CheckpointResponse>(Opcode.Checkpoint, EmptyMessage.Instance, cancellationToken)
            .ConfigureAwait(false)).LogAddress;
}
