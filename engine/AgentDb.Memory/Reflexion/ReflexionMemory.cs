using System.Buffers;
using System.Collections.ObjectModel;
using System.Text;
using AgentDb.Memory.Caching;
using AgentDb.Memory.Provenance;
using AgentDb.Memory.Stores;

namespace AgentDb.Memory.Reflexion;

/// <summary>
/// Reflexion memory: episodes (attempts at tasks with their outcome and self-critique), retrieved by the similarity of
/// their task to a new one, with per-task statistics and critique summaries. Thread-safe.
/// </summary>
/// <remarks>
/// <para>
/// Episodes live in the collection <see cref="Collection"/> of the session's shard
/// (<see cref="MemoryStores.ForSession"/>), with the embedding of their task text as vector (cosine). A generated id
/// starts with 16 hex digits of the task's XXH128, so statistics and critique summaries read only the episodes of one
/// task (a prefix scan of the episodes), never every episode, and a batch writes one record per episode. An episode
/// with a caller id (which does not start with its task's hash) also gets, in the same shard and the same atomic batch,
/// a task-index record in <see cref="TaskIndexCollection"/> keyed <c>XXH128(task) ":" episodeId</c> with the task,
/// reward, outcome, latency and time; statistics read both.
/// </para>
/// <para>
/// Retrievals query every shard (or only the session's shard when filtered by session) and merge by distance; results
/// are cached in the query cache (<see cref="MemoryScope.Reflexion"/>) until a reflexion write or the time to live.
/// Returned objects are immutable and shared between callers.
/// </para>
/// </remarks>
public sealed class ReflexionMemory
{
    /// <summary>The episodes' collection.</summary>
    public const string Collection = "mem.episodes";

    /// <summary>The task index's collection (vector-free).</summary>
    public const string TaskIndexCollection = "mem.episodes.tasks";

    /// <summary>The most critiques <see cref="SummarizeCritiques"/> returns per side.</summary>
    public const int MaxCritiques = 1_000;

    /// <summary>
    /// The HNSW beam width of a retrieval that names none: 96, wider than the engine's general default
    /// (<see cref="AgentDatabase.DefaultSearchEf"/>, 64) because episode retrieval is held to recall@10 ≥ 0.95 against an
    /// exact search, which 64 missed on 100,000 clustered 384-dimension episodes (0.945–0.950) and 96 met (0.979); see
    /// docs/BENCHMARKS.md, "Agent memory". Above 100,000 episodes the engine widens it with the size of the graph
    /// (<see cref="AgentDatabase.Search"/>).
    /// </summary>
    public const int DefaultSearchEf = 96;

    private const int ScanPage = 10_000;
    private const string SessionField = "session";
    private const int OverFetchFactor = 4;

    private static readonly EpisodeRetrievalOptions s_defaultOptions = new();

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? s_payload;

    private readonly MemoryContext _context;

    internal ReflexionMemory(MemoryContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        context.EnsureCollection(MemoryKind.Reflexion, Collection, context.Dimension);
        context.EnsureCollection(MemoryKind.Reflexion, TaskIndexCollection, 1);

        // Session-scoped retrievals filter on "session" (the only payload equality they test): the engine's payload
        // index answers it from the session's own episodes instead of reading records nearest first (issue 8).
        for (int s = 0; s < context.Stores.ShardCount(MemoryKind.Reflexion); s++)
        {
            context.Setup(context.Stores.Shard(MemoryKind.Reflexion, s), static db => db.CreatePayloadIndex(Collection, SessionField));
        }
    }

    /// <summary>
    /// Stores <paramref name="episode"/> (its task embedded by the memory's embedder unless it carries a vector) and its
    /// task-index record atomically, and returns its id. When the call returns the episode is durable per the store's
    /// durability mode and visible to retrievals. An existing id is replaced (its old task-index record removed).
    /// </summary>
    /// <exception cref="ArgumentException">The episode breaks a rule (empty task or session, non-finite reward, negative latency or tokens, null tag, wrong vector dimension, id too long).</exception>
    public string StoreEpisode(Episode episode)
    {
        var writes = new MemoryWriteSet();
        string id = StageEpisode(writes, episode);
        writes.Commit(_context.Cache, requireSingleStore: false);
        return id;
    }

    /// <summary>The asynchronous form of <see cref="StoreEpisode"/>.</summary>
    /// <exception cref="ArgumentException">As for <see cref="StoreEpisode"/>.</exception>
    public async ValueTask<string> StoreEpisodeAsync(Episode episode, CancellationToken cancellationToken = default)
    {
        var writes = new MemoryWriteSet();
        string id = StageEpisode(writes, episode);
        await writes.CommitAsync(_context.Cache, requireSingleStore: false, cancellationToken).ConfigureAwait(false);
        return id;
    }

    /// <summary>
    /// Stores many episodes at once: the task texts of those without a vector are embedded with one
    /// <see cref="Embedding.IEmbedder.EmbedBatch"/> call, and everything is written as one atomic batch per store.
    /// Returns the ids in input order.
    /// </summary>
    /// <remarks>
    /// Atomicity: unsharded (one session shard), the whole call is all-or-nothing. With session shards the episodes go to
    /// their sessions' shards and each shard's part is atomic on its own: a failure can leave some shards written and
    /// others not. Each store's part must fit one log entry (<see cref="AgentDatabaseOptions.LogPageSizeBits"/>, 4 MiB by
    /// default: about 2,000 episodes of 384 dimensions); split larger inputs.
    /// </remarks>
    /// <exception cref="ArgumentException">An episode breaks a rule of <see cref="StoreEpisode"/> (nothing is written), or two share an id.</exception>
    public IReadOnlyList<string> StoreEpisodes(IReadOnlyList<Episode> episodes)
    {
        var writes = new MemoryWriteSet();
        IReadOnlyList<string> ids = StageEpisodes(writes, episodes);
        writes.Commit(_context.Cache, requireSingleStore: false);
        return ids;
    }

    /// <summary>The asynchronous form of <see cref="StoreEpisodes"/>.</summary>
    /// <exception cref="ArgumentException">As for <see cref="StoreEpisodes"/>.</exception>
    public async ValueTask<IReadOnlyList<string>> StoreEpisodesAsync(IReadOnlyList<Episode> episodes, CancellationToken cancellationToken = default)
    {
        var writes = new MemoryWriteSet();
        IReadOnlyList<string> ids = StageEpisodes(writes, episodes);
        await writes.CommitAsync(_context.Cache, requireSingleStore: false, cancellationToken).ConfigureAwait(false);
        return ids;
    }

    /// <summary>Validates <paramref name="episode"/> and stages it (and its task-index record); returns its id.</summary>
    internal string StageEpisode(MemoryWriteSet writes, Episode episode)
    {
        ArgumentNullException.ThrowIfNull(writes);
        Validate(episode, nameof(episode));
        if (!episode.Vector.IsEmpty)
        {
            return Stage(writes, episode, episode.Vector.Span);
        }

        float[] vector = ArrayPool<float>.Shared.Rent(_context.Dimension);
        try
        {
            Span<float> span = vector.AsSpan(0, _context.Dimension);
            _context.Embedder.Embed(episode.Task, span);
            return Stage(writes, episode, span);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(vector);
        }
    }

    /// <summary>Validates every episode, embeds the missing vectors in one batch and stages them all; returns the ids.</summary>
    internal IReadOnlyList<string> StageEpisodes(MemoryWriteSet writes, IReadOnlyList<Episode> episodes)
    {
        ArgumentNullException.ThrowIfNull(writes);
        ArgumentNullException.ThrowIfNull(episodes);
        int toEmbed = 0;
        HashSet<string>? callerIds = null;
        for (int i = 0; i < episodes.Count; i++)
        {
            Episode episode = episodes[i];
            Validate(episode, $"{nameof(episodes)}[{i}]");
            if (episode.Vector.IsEmpty)
            {
                toEmbed++;
            }

            if (episode.Id is not null && !(callerIds ??= new HashSet<string>(StringComparer.Ordinal)).Add(episode.Id))
            {
                throw new ArgumentException($"Two episodes share the id '{episode.Id}'.", nameof(episodes));
            }
        }

        int dimension = _context.Dimension;
        float[]? embedded = null;
        try
        {
            if (toEmbed > 0)
            {
                var texts = new string[toEmbed];
                int t = 0;
                for (int i = 0; i < episodes.Count; i++)
                {
                    if (episodes[i].Vector.IsEmpty)
                    {
                        texts[t++] = episodes[i].Task;
                    }
                }

                embedded = ArrayPool<float>.Shared.Rent(toEmbed * dimension);
                _context.Embedder.EmbedBatch(texts, embedded.AsSpan(0, toEmbed * dimension));
            }

            var ids = new string[episodes.Count];
            int row = 0;
            for (int i = 0; i < episodes.Count; i++)
            {
                Episode episode = episodes[i];
                ReadOnlySpan<float> vector = episode.Vector.IsEmpty ? embedded.AsSpan(row++ * dimension, dimension) : episode.Vector.Span;
                ids[i] = Stage(writes, episode, vector);
            }

            return Array.AsReadOnly(ids);
        }
        finally
        {
            if (embedded is not null)
            {
                ArrayPool<float>.Shared.Return(embedded);
            }
        }
    }

    /// <summary>Reads episode <paramref name="id"/> from whichever shard holds it, or null.</summary>
    /// <exception cref="ArgumentException">The id is empty or too long.</exception>
    public Episode? GetEpisode(string id)
    {
        ValidateId(id, nameof(id));
        for (int s = 0; s < _context.Stores.ShardCount(MemoryKind.Reflexion); s++)
        {
            if (_context.Stores.Shard(MemoryKind.Reflexion, s).TryGet(Collection, id, out StoredRecord? record))
            {
                return EpisodeCodec.ReadEpisode(record.Id, record.Payload, record.Vector);
            }
        }

        return null;
    }

    /// <summary>
    /// The episodes whose tasks are most similar to <paramref name="task"/> (embedded by the memory's embedder), kept by
    /// the filters of <paramref name="options"/>, nearest first.
    /// </summary>
    /// <exception cref="ArgumentException">The task is empty, or an option is out of range (k outside 1..10,000, ef outside 1..10,000, non-finite minimum reward, an empty session, a time window whose start is not before its end).</exception>
    public EpisodeRetrieval RetrieveRelevant(string task, EpisodeRetrievalOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(task);
        return Retrieve(task, default, options ?? s_defaultOptions);
    }

    /// <summary>As <see cref="RetrieveRelevant(string, EpisodeRetrievalOptions?)"/> with a query vector of the memory's dimension.</summary>
    /// <exception cref="ArgumentException">The vector is empty, has the wrong dimension or a non-finite value, or an option is out of range.</exception>
    public EpisodeRetrieval RetrieveRelevant(ReadOnlyMemory<float> vector, EpisodeRetrievalOptions? options = null)
    {
        _context.ValidateVector(vector.Span, nameof(vector));
        return Retrieve(null, vector, options ?? s_defaultOptions);
    }

    /// <summary>
    /// Statistics over the episodes whose task text equals <paramref name="task"/> (ordinal), from the task index
    /// (one prefix scan per shard; episodes of other tasks are not read).
    /// </summary>
    /// <exception cref="ArgumentException">The task is empty.</exception>
    public TaskStats GetTaskStats(string task)
    {
        ArgumentException.ThrowIfNullOrEmpty(task);
        var builder = new QueryKeyBuilder("reflexion.stats");
        QueryKey key;
        try
        {
            builder.Add(task);
            key = builder.Build();
        }
        finally
        {
            builder.Dispose();
        }

        return _context.Cache.GetOrCompute(MemoryScope.Reflexion, key, (Self: this, Task: task), static s => s.Self.ComputeStats(s.Task));
    }

    /// <summary>
    /// The critiques of the <paramref name="n"/> highest- and <paramref name="n"/> lowest-reward episodes of
    /// <paramref name="task"/>, with counts (see <see cref="CritiqueSummary"/> for the rule).
    /// </summary>
    /// <exception cref="ArgumentException">The task is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is outside 1..<see cref="MaxCritiques"/>.</exception>
    public CritiqueSummary SummarizeCritiques(string task, int n = 3)
    {
        ArgumentException.ThrowIfNullOrEmpty(task);
        if (n < 1 || n > MaxCritiques)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, $"n must be between 1 and {MaxCritiques}.");
        }

        var builder = new QueryKeyBuilder("reflexion.critiques");
        QueryKey key;
        try
        {
            builder.Add(task);
            builder.Add(n);
            key = builder.Build();
        }
        finally
        {
            builder.Dispose();
        }

        return _context.Cache.GetOrCompute(MemoryScope.Reflexion, key, (Self: this, Task: task, N: n), static s => s.Self.ComputeCritiques(s.Task, s.N));
    }

    /// <summary>
    /// Every task-index entry (optionally only those with timestamps in [<paramref name="fromUnixMs"/>,
    /// <paramref name="toUnixMs"/>)), across all shards, paging through the index. For consolidation.
    /// </summary>
    internal List<TaskIndexEntry> ReadAllTaskEntries(long? fromUnixMs, long? toUnixMs)
    {
        var entries = new List<TaskIndexEntry>();
        for (int s = 0; s < _context.Stores.ShardCount(MemoryKind.Reflexion); s++)
        {
            AgentDatabase store = _context.Stores.Shard(MemoryKind.Reflexion, s);
            int shard = s;

            // Episodes with generated ids (their own prefix scan: every episode is read, vectors included) ...
            ScanPaged(store, Collection, null, null, (Entries: entries, From: fromUnixMs, To: toUnixMs, Shard: shard), static (state, record) =>
            {
                TaskIndexEntry entry = EpisodeCodec.ReadTaskEntryFromEpisode(record.Id, record.Payload, null, state.Shard)!;
                if (EpisodeIds.IsSelfIndexed(entry.EpisodeId, EpisodeIds.TaskHash(entry.Task)) && InWindow(entry, state.From, state.To))
                {
                    state.Entries.Add(entry);
                }
            });

            // ... and the task-index records of the others.
            ScanPaged(store, TaskIndexCollection, null, null, (Entries: entries, From: fromUnixMs, To: toUnixMs, Shard: shard), static (state, record) =>
            {
                TaskIndexEntry entry = EpisodeCodec.ReadTaskEntry(record.Id, record.Payload, null, state.Shard)!;
                if (!EpisodeIds.IsSelfIndexed(entry.EpisodeId, EpisodeIds.TaskHash(entry.Task)) && InWindow(entry, state.From, state.To))
                {
                    state.Entries.Add(entry);
                }
            });
        }

        return entries;
    }

    /// <summary>Reads episode <paramref name="id"/> from shard <paramref name="shard"/>, or null.</summary>
    internal Episode? ReadEpisode(int shard, string id) =>
        _context.Stores.Shard(MemoryKind.Reflexion, shard).TryGet(Collection, id, out StoredRecord? record)
            ? EpisodeCodec.ReadEpisode(record.Id, record.Payload, record.Vector)
            : null;

    private string Stage(MemoryWriteSet writes, Episode episode, ReadOnlySpan<float> vector)
    {
        UInt128 taskHash = EpisodeIds.TaskHash(episode.Task);
        string id = episode.Id ?? EpisodeIds.NewId(taskHash);
        long timestamp = episode.TimestampUnixMs ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        MemoryStores stores = _context.Stores;
        int shard = stores.ShardOf(MemoryKind.Reflexion, episode.SessionId);
        RecordBatch batch = writes.For(stores.Shard(MemoryKind.Reflexion, shard), MemoryKind.Reflexion);

        // A generated id starts with its task's hash: the episodes' own prefix scan finds it. Other ids get a record.
        string? indexKey = EpisodeIds.IsSelfIndexed(id, taskHash) ? null : EpisodeIds.TaskPrefix(taskHash) + id;
        if (episode.Id is not null)
        {
            StageReplacement(writes, id, shard, indexKey);
        }

        ArrayBufferWriter<byte> payload = s_payload ??= new ArrayBufferWriter<byte>(1024);
        payload.ResetWrittenCount();
        EpisodeCodec.WriteEpisode(payload, episode, timestamp);
        batch.Upsert(Collection, id, payload.WrittenSpan, vector);
        if (indexKey is not null)
        {
            payload.ResetWrittenCount();
            EpisodeCodec.WriteTaskEntry(payload, id, episode, timestamp);
            batch.Upsert(TaskIndexCollection, indexKey, payload.WrittenSpan);
        }

        return id;
    }

    /// <summary>
    /// A caller id may already exist, in this shard or (with another session) in another: stage the removal of what the
    /// new episode does not overwrite, so no stale episode or task-index record stays behind.
    /// </summary>
    private void StageReplacement(MemoryWriteSet writes, string id, int shard, string? indexKey)
    {
        MemoryStores stores = _context.Stores;
        for (int s = 0; s < stores.ShardCount(MemoryKind.Reflexion); s++)
        {
            AgentDatabase store = stores.Shard(MemoryKind.Reflexion, s);
            if (!store.TryGet(Collection, id, out StoredRecord? old))
            {
                continue;
            }

            UInt128 oldHash = EpisodeIds.TaskHash(EpisodeCodec.ReadEpisode(old.Id, old.Payload, null).Task);
            string? oldKey = EpisodeIds.IsSelfIndexed(id, oldHash) ? null : EpisodeIds.TaskPrefix(oldHash) + id;
            RecordBatch batch = writes.For(store, MemoryKind.Reflexion);
            if (s != shard)
            {
                batch.Delete(Collection, id);
            }

            if (oldKey is not null && (s != shard || oldKey != indexKey))
            {
                batch.Delete(TaskIndexCollection, oldKey);
            }
        }
    }

    private EpisodeRetrieval Retrieve(string? text, ReadOnlyMemory<float> vector, EpisodeRetrievalOptions options)
    {
        ValidateOptions(options);
        var builder = new QueryKeyBuilder("reflexion.retrieve");
        QueryKey key;
        try
        {
            if (text is not null)
            {
                builder.Add(1L);
                builder.Add(text);
            }
            else
            {
                builder.Add(2L);
                builder.Add(vector.Span);
            }

            builder.Add(options.K);
            builder.Add(options.MinReward.HasValue);
            builder.Add(options.MinReward ?? 0);
            builder.Add((long)options.Outcome);
            builder.Add(options.SessionId);
            builder.Add(options.FromUnixMs.HasValue);
            builder.Add(options.FromUnixMs ?? 0);
            builder.Add(options.ToUnixMs.HasValue);
            builder.Add(options.ToUnixMs ?? 0);
            builder.Add(options.WithCertificate);
            builder.Add(options.Ef ?? 0);
            builder.Add(options.IncludeVectors);
            key = builder.Build();
        }
        finally
        {
            builder.Dispose();
        }

        return _context.Cache.GetOrCompute(
            MemoryScope.Reflexion,
            key,
            (Self: this, Text: text, Vector: vector, Options: options),
            static s => s.Self.ComputeRetrieval(s.Text, s.Vector, s.Options));
    }

    private EpisodeRetrieval ComputeRetrieval(string? text, ReadOnlyMemory<float> vector, EpisodeRetrievalOptions options)
    {
        float[]? embedded = null;
        if (text is not null)
        {
            embedded = ArrayPool<float>.Shared.Rent(_context.Dimension);
            _context.Embedder.Embed(text, embedded.AsSpan(0, _context.Dimension));
            vector = embedded.AsMemory(0, _context.Dimension);
        }

        try
        {
            MemoryStores stores = _context.Stores;
            int k = options.K;
            PayloadFilter? filter = options.SessionId is null ? null : PayloadFilter.Where(SessionField, options.SessionId);
            var candidates = new List<Candidate>(k);
            if (options.SessionId is not null)
            {
                int shard = stores.ShardOf(MemoryKind.Reflexion, options.SessionId);
                SearchShard(stores.Shard(MemoryKind.Reflexion, shard), shard, vector.Span, filter, options, candidates);
            }
            else
            {
                for (int s = 0; s < stores.ShardCount(MemoryKind.Reflexion); s++)
                {
                    SearchShard(stores.Shard(MemoryKind.Reflexion, s), s, vector.Span, filter, options, candidates);
                }
            }

            if (candidates.Count > 1)
            {
                candidates.Sort(static (a, b) =>
                {
                    int byDistance = a.Distance.CompareTo(b.Distance);
                    return byDistance != 0 ? byDistance : string.CompareOrdinal(a.Record.Id, b.Record.Id);
                });
            }

            int count = Math.Min(k, candidates.Count);
            var matches = new EpisodeMatch[count];
            CertifiedItem[]? items = options.WithCertificate ? new CertifiedItem[count] : null;
            for (int i = 0; i < count; i++)
            {
                Candidate candidate = candidates[i];
                Episode episode = EpisodeCodec.ReadEpisode(candidate.Record.Id, candidate.Record.Payload, options.IncludeVectors ? candidate.Record.Vector : null);
                matches[i] = new EpisodeMatch(episode, candidate.Distance, candidate.Shard);
                if (items is not null)
                {
                    items[i] = RecallCertificate.Certify(MemoryKind.Reflexion, candidate.Shard, Collection, candidate.Record);
                }
            }

            return new EpisodeRetrieval(new ReadOnlyCollection<EpisodeMatch>(matches), items is null ? null : RecallCertificate.Create(items));
        }
        finally
        {
            if (embedded is not null)
            {
                ArrayPool<float>.Shared.Return(embedded);
            }
        }
    }

    /// <summary>
    /// Adds to <paramref name="candidates"/> the (at most k) nearest episodes of one shard that pass the filters. The
    /// reward, outcome and time filters are applied to decoded results: the search over-fetches (4k, then 4× more each
    /// round) until k pass or the shard is exhausted, up to <see cref="AgentDatabase.MaxSearchResults"/> nearest.
    /// </summary>
    private static void SearchShard(AgentDatabase store, int shard, ReadOnlySpan<float> vector, PayloadFilter? filter, EpisodeRetrievalOptions options, List<Candidate> candidates)
    {
        int k = options.K;
        bool postFilter = options.MinReward.HasValue || options.Outcome != EpisodeOutcome.Any || options.FromUnixMs.HasValue || options.ToUnixMs.HasValue;
        int fetch = postFilter ? (int)Math.Min((long)k * OverFetchFactor, AgentDatabase.MaxSearchResults) : k;
        int start = candidates.Count;
        int ef = options.Ef ?? DefaultSearchEf;
        while (true)
        {
            IReadOnlyList<SearchResult> results = store.Search(Collection, vector, fetch, filter, Math.Max(ef, fetch));
            int kept = 0;
            for (int i = 0; i < results.Count && kept < k; i++)
            {
                SearchResult result = results[i];
                if (!postFilter || Passes(EpisodeCodec.ReadScalars(result.Record.Id, result.Record.Payload), options))
                {
                    candidates.Add(new Candidate(result.Record, result.Distance, shard));
                    kept++;
                }
            }

            if (kept >= k || results.Count < fetch || fetch >= AgentDatabase.MaxSearchResults)
            {
                return;
            }

            candidates.RemoveRange(start, candidates.Count - start);
            fetch = (int)Math.Min((long)fetch * OverFetchFactor, AgentDatabase.MaxSearchResults);
        }
    }

    private static bool Passes(EpisodeScalars scalars, EpisodeRetrievalOptions options)
    {
        if (options.MinReward is double minimum && !(scalars.Reward >= minimum))
        {
            return false;
        }

        if ((options.Outcome == EpisodeOutcome.SuccessesOnly && !scalars.Success) || (options.Outcome == EpisodeOutcome.FailuresOnly && scalars.Success))
        {
            return false;
        }

        return (options.FromUnixMs is not long from || scalars.TimestampUnixMs >= from) && (options.ToUnixMs is not long to || scalars.TimestampUnixMs < to);
    }

    private TaskStats ComputeStats(string task)
    {
        List<TaskIndexEntry> entries = ReadTaskEntries(task);
        int attempts = entries.Count;
        if (attempts == 0)
        {
            return new TaskStats(task, 0, 0, 0, 0, 0, 0, 0, 0);
        }

        entries.Sort(CompareByTime);
        int successes = 0;
        double rewardSum = 0, latencySum = 0;
        double sumX = 0, sumXX = 0, sumXY = 0;
        for (int i = 0; i < attempts; i++)
        {
            TaskIndexEntry entry = entries[i];
            successes += entry.Success ? 1 : 0;
            rewardSum += entry.Reward;
            latencySum += entry.LatencyMs;
            sumX += i;
            sumXX += (double)i * i;
            sumXY += i * entry.Reward;
        }

        // Least-squares slope of reward on attempt number: (nΣxy − ΣxΣy) / (nΣx² − (Σx)²).
        double denominator = (attempts * sumXX) - (sumX * sumX);
        double trend = attempts < 2 || denominator == 0 ? 0 : ((attempts * sumXY) - (sumX * rewardSum)) / denominator;
        return new TaskStats(
            task,
            attempts,
            successes,
            (double)successes / attempts,
            rewardSum / attempts,
            latencySum / attempts,
            trend,
            entries[0].TimestampUnixMs,
            entries[^1].TimestampUnixMs);
    }

    private CritiqueSummary ComputeCritiques(string task, int n)
    {
        List<TaskIndexEntry> entries = ReadTaskEntries(task);
        int successes = 0, withCritique = 0;
        foreach (TaskIndexEntry entry in entries)
        {
            successes += entry.Success ? 1 : 0;
            withCritique += entry.HasCritique ? 1 : 0;
        }

        // Best: highest reward first; worst: lowest first among the rest. Ties: newer first, then id.
        entries.Sort(static (a, b) =>
        {
            int byReward = b.Reward.CompareTo(a.Reward);
            return byReward != 0 ? byReward : CompareNewerFirst(a, b);
        });
        int bestCount = Math.Min(n, entries.Count);
        List<TaskIndexEntry> rest = entries.GetRange(bestCount, entries.Count - bestCount);
        rest.Sort(static (a, b) =>
        {
            int byReward = a.Reward.CompareTo(b.Reward);
            return byReward != 0 ? byReward : CompareNewerFirst(a, b);
        });
        int worstCount = Math.Min(n, rest.Count);
        var best = new CritiqueEntry[bestCount];
        for (int i = 0; i < bestCount; i++)
        {
            best[i] = ToCritique(entries[i]);
        }

        var worst = new CritiqueEntry[worstCount];
        for (int i = 0; i < worstCount; i++)
        {
            worst[i] = ToCritique(rest[i]);
        }

        return new CritiqueSummary(task, entries.Count, successes, entries.Count - successes, withCritique, Array.AsReadOnly(best), Array.AsReadOnly(worst));
    }

    private CritiqueEntry ToCritique(TaskIndexEntry entry)
    {
        // The index and the episode are written in one atomic batch, so the episode exists unless it was replaced since.
        Episode? episode = ReadEpisode(entry.Shard, entry.EpisodeId);
        return new CritiqueEntry(entry.EpisodeId, entry.Reward, entry.Success, entry.TimestampUnixMs, episode?.Critique);
    }

    private static int CompareByTime(TaskIndexEntry a, TaskIndexEntry b)
    {
        int byTime = a.TimestampUnixMs.CompareTo(b.TimestampUnixMs);
        return byTime != 0 ? byTime : string.CompareOrdinal(a.EpisodeId, b.EpisodeId);
    }

    private static int CompareNewerFirst(TaskIndexEntry a, TaskIndexEntry b)
    {
        int byTime = b.TimestampUnixMs.CompareTo(a.TimestampUnixMs);
        return byTime != 0 ? byTime : string.CompareOrdinal(a.EpisodeId, b.EpisodeId);
    }

    /// <summary>
    /// The task-index entries of <paramref name="task"/> in every shard: a prefix scan of the episodes by the task's id
    /// prefix (generated ids) and one of the task index (other ids), each paged.
    /// </summary>
    private List<TaskIndexEntry> ReadTaskEntries(string task)
    {
        UInt128 taskHash = EpisodeIds.TaskHash(task);
        string idPrefix = EpisodeIds.TaskIdPrefix(taskHash);
        string idEnd = EpisodeIds.PrefixEnd(idPrefix);
        string indexPrefix = EpisodeIds.TaskPrefix(taskHash);
        string indexEnd = EpisodeIds.TaskPrefixEnd(indexPrefix);
        var entries = new List<TaskIndexEntry>();
        for (int s = 0; s < _context.Stores.ShardCount(MemoryKind.Reflexion); s++)
        {
            AgentDatabase store = _context.Stores.Shard(MemoryKind.Reflexion, s);
            var state = (Entries: entries, Task: task, Hash: taskHash, Shard: s);
            ScanPaged(store, Collection, idPrefix, idEnd, state, static (state, record) =>
            {
                if (EpisodeCodec.ReadTaskEntryFromEpisode(record.Id, record.Payload, state.Task, state.Shard) is TaskIndexEntry entry)
                {
                    state.Entries.Add(entry);
                }
            });
            ScanPaged(store, TaskIndexCollection, indexPrefix, indexEnd, state, static (state, record) =>
            {
                // A self-indexed episode was found above; its index record could only be a leftover (never written now).
                if (EpisodeCodec.ReadTaskEntry(record.Id, record.Payload, state.Task, state.Shard) is TaskIndexEntry entry
                    && !EpisodeIds.IsSelfIndexed(entry.EpisodeId, state.Hash))
                {
                    state.Entries.Add(entry);
                }
            });
        }

        return entries;
    }

    /// <summary>
    /// Visits every record of <paramref name="collection"/> with an id in [from, to) (null: open), a page at a time,
    /// without their vectors (statistics read payloads only; an episode's vector is most of its bytes).
    /// </summary>
    private static void ScanPaged<TState>(AgentDatabase store, string collection, string? from, string? to, TState state, Action<TState, StoredRecord> visit)
    {
        while (true)
        {
            IReadOnlyList<StoredRecord> page = store.ScanRange(collection, from, to, ScanPage, includeVectors: false);
            for (int i = 0; i < page.Count; i++)
            {
                visit(state, page[i]);
            }

            if (page.Count < ScanPage)
            {
                return;
            }

            from = page[^1].Id + "\0";
        }
    }

    private static bool InWindow(TaskIndexEntry entry, long? fromUnixMs, long? toUnixMs) =>
        (fromUnixMs is null || entry.TimestampUnixMs >= fromUnixMs) && (toUnixMs is null || entry.TimestampUnixMs < toUnixMs);

    private void Validate(Episode episode, string parameterName)
    {
        if (episode is null)
        {
            throw new ArgumentNullException(parameterName);
        }

        if (string.IsNullOrEmpty(episode.Task))
        {
            throw new ArgumentException("An episode needs a task text.", parameterName);
        }

        if (episode.Id is not null)
        {
            ValidateId(episode.Id, parameterName);
        }

        if (episode.SessionId is { Length: 0 })
        {
            throw new ArgumentException("An empty session id is not allowed; use null for no session.", parameterName);
        }

        if (!double.IsFinite(episode.Reward))
        {
            throw new ArgumentException($"The reward must be a finite number; it is {episode.Reward}.", parameterName);
        }

        if (episode.LatencyMs < 0 || episode.TokensUsed < 0)
        {
            throw new ArgumentException($"Latency ({episode.LatencyMs} ms) and tokens used ({episode.TokensUsed}) must not be negative.", parameterName);
        }

        if (episode.TimestampUnixMs is < 0)
        {
            throw new ArgumentException($"The timestamp must not be negative; it is {episode.TimestampUnixMs}.", parameterName);
        }

        if (episode.Tags is null || episode.Metadata is null)
        {
            throw new ArgumentException("Tags and metadata must not be null (leave them unset for none).", parameterName);
        }

        for (int i = 0; i < episode.Tags.Count; i++)
        {
            if (episode.Tags[i] is null)
            {
                throw new ArgumentException($"Tag {i} is null.", parameterName);
            }
        }

        foreach (KeyValuePair<string, string> pair in episode.Metadata)
        {
            if (string.IsNullOrEmpty(pair.Key) || pair.Value is null)
            {
                throw new ArgumentException("Metadata keys must not be empty and values must not be null.", parameterName);
            }
        }

        if (!episode.Vector.IsEmpty)
        {
            _context.ValidateVector(episode.Vector.Span, parameterName);
        }
    }


    private static void ValidateId(string id, string parameterName)
    {
        if (string.IsNullOrEmpty(id))
        {
            throw new ArgumentException("An episode id must not be empty (leave it null to generate one).", parameterName);
        }

        if (Encoding.UTF8.GetByteCount(id) > EpisodeIds.MaxIdBytes)
        {
            throw new ArgumentException($"An episode id may have at most {EpisodeIds.MaxIdBytes} UTF-8 bytes.", parameterName);
        }
    }

    private static void ValidateOptions(EpisodeRetrievalOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.K < 1 || options.K > AgentDatabase.MaxSearchResults)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.K, $"K must be between 1 and {AgentDatabase.MaxSearchResults}.");
        }

        if (options.MinReward is double minimum && !double.IsFinite(minimum))
        {
            throw new ArgumentException($"MinReward must be finite; it is {minimum}.", nameof(options));
        }

        if (!Enum.IsDefined(options.Outcome))
        {
            throw new ArgumentException($"Outcome {(int)options.Outcome} is not defined.", nameof(options));
        }

        if (options.SessionId is { Length: 0 })
        {
            throw new ArgumentException("An empty session filter is not allowed; use null for every session.", nameof(options));
        }

        if (options.FromUnixMs is long from && options.ToUnixMs is long to && from >= to)
        {
            throw new ArgumentException($"The time window [{from}, {to}) is empty: FromUnixMs must be before ToUnixMs.", nameof(options));
        }

        if (options.Ef is int ef && (ef < 1 || ef > AgentDatabase.MaxSearchEf))
        {
            throw new ArgumentOutOfRangeException(nameof(options), ef, $"Ef must be between 1 and {AgentDatabase.MaxSearchEf}.");
        }
    }

    private readonly record struct Candidate(StoredRecord Record, float Distance, int Shard);
}
