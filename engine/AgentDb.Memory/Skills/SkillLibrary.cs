using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using AgentDb.Memory.Caching;
using AgentDb.Memory.Provenance;
using AgentDb.Memory.Reflexion;
using AgentDb.Memory.Stores;

namespace AgentDb.Memory.Skills;

/// <summary>
/// The skill library: named skills with code and running statistics, searched by the similarity of a task to the
/// skill's name and description, and consolidated from repeated successful reflexion episodes. Thread-safe.
/// </summary>
/// <remarks>
/// <para>
/// Skills live in <see cref="Collection"/> of the skills store, keyed by name: names are unique.
/// <see cref="CreateSkill"/> refuses an existing name (<see cref="SkillAlreadyExistsException"/>);
/// <see cref="UpsertSkill"/> creates or replaces.
/// </para>
/// <para>
/// Read-modify-writes of one skill (<see cref="RecordUse"/>, <see cref="CreateSkill"/>'s existence check,
/// <see cref="UpsertSkill"/>, consolidation) are serialised by a lock stripe chosen by the skill's name. The locks are
/// per process (per <see cref="SkillLibrary"/> instance): two processes, two libraries over one store, or a
/// <c>MemoryBatch</c> writing a skill through the staging methods are not serialised with them.
/// </para>
/// <para>
/// A stripe is held only while the new value is computed and the write is appended to the log, not while the commit is
/// waited for: each skill written and not yet applied is kept in an in-memory overlay (its latest staged value), which the
/// next read-modify-write of that skill starts from, so concurrent writers of one skill pipeline through the group commit
/// and lose no update. The log order is the stripe order, so the stored value is always the overlay's last value. Every
/// write has an asynchronous form that waits for durability without blocking a thread.
/// </para>
/// <para>Searches and reads go through the query cache (<see cref="MemoryScope.Skills"/>); returned objects are immutable.</para>
/// </remarks>
public sealed class SkillLibrary
{
    /// <summary>The skills' collection.</summary>
    public const string Collection = "mem.skills";

    /// <summary>Consolidated skill names longer than this many UTF-8 bytes are cut and suffixed with a hash of the task.</summary>
    public const int MaxConsolidatedNameBytes = 200;

    private const int LockStripes = 64;
    private const int OverFetchFactor = 4;
    private const int SkillsPerCommit = 256;

    private static readonly SkillSearchOptions s_defaultSearch = new();
    private static readonly SkillConsolidationOptions s_defaultConsolidation = new();

    // Caches "no such skill" (the cache holds only non-null results).
    private static readonly Skill s_missing = new() { Name = "\0missing" };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? s_payload;

    private readonly MemoryContext _context;
    private readonly ReflexionMemory _episodes;
    private readonly Lock[] _stripes;

    // The latest staged value of each skill written under its stripe and not yet applied (see the remarks).
    private readonly ConcurrentDictionary<string, PendingSkill> _pending = new(StringComparer.Ordinal);

    internal SkillLibrary(MemoryContext context)
        : this(context, new ReflexionMemory(context))
    {
    }

    internal SkillLibrary(MemoryContext context, ReflexionMemory episodes)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(episodes);
        _context = context;
        context.EnsureCollection(MemoryKind.Skills, Collection, context.Dimension);
        _episodes = episodes;
        _stripes = new Lock[LockStripes];
        for (int i = 0; i < _stripes.Length; i++)
        {
            _stripes[i] = new Lock();
        }
    }

    private AgentDatabase Store => _context.Stores.Store(MemoryKind.Skills);

    /// <summary>
    /// Creates <paramref name="skill"/> (its vector embedded from <c>Name + " " + Description</c> unless given). Durable
    /// per the store's mode when it returns.
    /// </summary>
    /// <exception cref="SkillAlreadyExistsException">A skill of that name exists.</exception>
    /// <exception cref="ArgumentException">The skill breaks a rule (empty or over-long name, success rate outside [0, 1], negative uses or latency, non-finite numbers, wrong vector dimension).</exception>
    public void CreateSkill(Skill skill) => Wait(CreateSkillCore(skill, mustBeNew: true));

    /// <summary>The asynchronous form of <see cref="CreateSkill"/>: waits for durability without blocking a thread.</summary>
    /// <exception cref="SkillAlreadyExistsException">A skill of that name exists.</exception>
    /// <exception cref="ArgumentException">As for <see cref="CreateSkill"/>.</exception>
    public ValueTask CreateSkillAsync(Skill skill, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return CreateSkillCore(skill, mustBeNew: true);
    }

    /// <summary>Creates <paramref name="skill"/> or replaces the skill of that name whole (statistics included).</summary>
    /// <exception cref="ArgumentException">As for <see cref="CreateSkill"/>.</exception>
    public void UpsertSkill(Skill skill) => Wait(CreateSkillCore(skill, mustBeNew: false));

    /// <summary>The asynchronous form of <see cref="UpsertSkill"/>: waits for durability without blocking a thread.</summary>
    /// <exception cref="ArgumentException">As for <see cref="CreateSkill"/>.</exception>
    public ValueTask UpsertSkillAsync(Skill skill, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return CreateSkillCore(skill, mustBeNew: false);
    }

    /// <summary>
    /// Validates and stages the creation of <paramref name="skill"/>. The name is checked against committed skills
    /// only, and without the name's lock: see the remarks of <see cref="SkillLibrary"/>.
    /// </summary>
    internal void StageCreateSkill(MemoryWriteSet writes, Skill skill)
    {
        ValidateSkill(skill, nameof(skill));
        if (_pending.ContainsKey(skill.Name) || Store.TryGet(Collection, skill.Name, out _))
        {
            throw new SkillAlreadyExistsException(skill.Name);
        }

        StageUpsertSkill(writes, skill);
    }

    /// <summary>Validates and stages the creation or replacement of <paramref name="skill"/>.</summary>
    internal void StageUpsertSkill(MemoryWriteSet writes, Skill skill)
    {
        ArgumentNullException.ThrowIfNull(writes);
        ValidateSkill(skill, nameof(skill));
        Skill plain = skill.SourceTask is null ? skill : skill with { SourceTask = null };
        if (!skill.Vector.IsEmpty)
        {
            Stage(writes, plain, skill.Vector.Span, null);
            return;
        }

        float[] vector = ArrayPool<float>.Shared.Rent(_context.Dimension);
        try
        {
            Span<float> span = vector.AsSpan(0, _context.Dimension);
            _context.Embedder.Embed(EmbeddingText(skill), span);
            Stage(writes, plain, span, null);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(vector);
        }
    }

    /// <summary>The skill named <paramref name="name"/>, or null.</summary>
    /// <exception cref="ArgumentException">The name is empty or too long.</exception>
    public Skill? GetSkill(string name)
    {
        ValidateName(name, nameof(name));
        QueryKey key = KeyOf("skills.get", name);
        Skill found = _context.Cache.GetOrCompute(MemoryScope.Skills, key, (Self: this, Name: name), static s => s.Self.ReadSkill(s.Name) ?? s_missing);
        return ReferenceEquals(found, s_missing) ? null : found;
    }

    /// <summary>The skills nearest to <paramref name="task"/> (embedded by the memory's embedder), nearest first.</summary>
    /// <exception cref="ArgumentException">The task is empty, or an option is out of range (k outside 1..10,000, minimum success rate outside [0, 1]).</exception>
    public SkillSearchResult SearchSkills(string task, SkillSearchOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(task);
        return Search(task, default, options ?? s_defaultSearch);
    }

    /// <summary>As <see cref="SearchSkills(string, SkillSearchOptions?)"/> with a query vector of the memory's dimension.</summary>
    /// <exception cref="ArgumentException">The vector has the wrong dimension or a non-finite value, or an option is out of range.</exception>
    public SkillSearchResult SearchSkills(ReadOnlyMemory<float> vector, SkillSearchOptions? options = null)
    {
        _context.ValidateVector(vector.Span, nameof(vector));
        return Search(null, vector, options ?? s_defaultSearch);
    }

    /// <summary>
    /// Records one use of skill <paramref name="name"/> and returns the updated skill: uses + 1, and the success rate,
    /// average reward and average latency become running means over all uses
    /// (<c>mean' = mean + (x − mean) / uses'</c>, with x = 1 or 0 for the success rate). A read-modify-write under the
    /// name's lock stripe, so concurrent calls for one skill in this process lose no update.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No skill has that name.</exception>
    /// <exception cref="ArgumentException">The name is empty or too long, the reward is not finite, or the latency is negative.</exception>
    public Skill RecordUse(string name, bool success, double reward, long latencyMs) => Wait(RecordUseCore(name, success, reward, latencyMs));

    /// <summary>
    /// The asynchronous form of <see cref="RecordUse"/>: the name's stripe is held only to compute the update and append
    /// it to the log; the durability wait does not block a thread. Concurrent calls for one skill lose no update.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No skill has that name.</exception>
    /// <exception cref="ArgumentException">As for <see cref="RecordUse"/>.</exception>
    public ValueTask<Skill> RecordUseAsync(string name, bool success, double reward, long latencyMs, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return RecordUseCore(name, success, reward, latencyMs);
    }

    private ValueTask<Skill> RecordUseCore(string name, bool success, double reward, long latencyMs)
    {
        ValidateName(name, nameof(name));
        if (!double.IsFinite(reward))
        {
            throw new ArgumentException($"The reward must be a finite number; it is {reward}.", nameof(reward));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(latencyMs);
        Skill updated;
        PendingSkill pending;
        ValueTask commit;
        lock (StripeOf(name))
        {
            if (!TryReadLatest(name, out Skill? current, out string? digest))
            {
                throw new KeyNotFoundException($"No skill is named '{name}'.");
            }

            long uses = current.Uses + 1;
            updated = current with
            {
                Uses = uses,
                SuccessRate = Math.Clamp(current.SuccessRate + (((success ? 1.0 : 0.0) - current.SuccessRate) / uses), 0, 1),
                AverageReward = current.AverageReward + ((reward - current.AverageReward) / uses),
                AverageLatencyMs = current.AverageLatencyMs + ((latencyMs - current.AverageLatencyMs) / uses),
                UpdatedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            };
            (pending, commit) = AppendLocked(updated, digest);
        }

        return FinishAsync(commit, pending, updated);
    }

    private ValueTask CreateSkillCore(Skill skill, bool mustBeNew)
    {
        ValidateSkill(skill, nameof(skill));
        Skill plain = skill.SourceTask is null ? skill : skill with { SourceTask = null };
        if (plain.Vector.IsEmpty)
        {
            // Embed outside the stripe: it is the slow part.
            var vector = new float[_context.Dimension];
            _context.Embedder.Embed(EmbeddingText(skill), vector);
            plain = plain with { Vector = vector };
        }

        PendingSkill pending;
        ValueTask commit;
        lock (StripeOf(skill.Name))
        {
            bool exists = TryReadLatest(skill.Name, out Skill? latest, out _);
            if (mustBeNew && exists)
            {
                throw new SkillAlreadyExistsException(skill.Name);
            }

            long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            plain = plain with { CreatedUnixMs = exists ? latest!.CreatedUnixMs : now, UpdatedUnixMs = now };
            (pending, commit) = AppendLocked(plain, null);
        }

        return FinishAsync(commit, pending);
    }

    /// <summary>
    /// Stages <paramref name="skill"/> (its vector set), records it as the skill's latest value and appends it to the log.
    /// Called under the skill's stripe: <see cref="MemoryWriteSet.CommitAsync"/> appends to the log (the engine's
    /// <c>BatchAsync</c> appends before its first await) before it returns, so the log order is the stripe order; only the
    /// durability wait remains in the returned task.
    /// </summary>
    private (PendingSkill Pending, ValueTask Commit) AppendLocked(Skill skill, string? sourceDigest)
    {
        var writes = new MemoryWriteSet();
        Stage(writes, skill, skill.Vector.Span, sourceDigest);
        var pending = new PendingSkill(skill, sourceDigest);
        _pending[skill.Name] = pending;
        ValueTask commit = writes.CommitAsync(_context.Cache, requireSingleStore: true, CancellationToken.None);
        if (commit.IsFaulted || commit.IsCanceled)
        {
            Forget(pending); // not appended: nobody may build on it
        }

        return (pending, commit);
    }

    private async ValueTask FinishAsync(ValueTask commit, PendingSkill pending)
    {
        try
        {
            await commit.ConfigureAwait(false);
        }
        finally
        {
            Forget(pending);
        }
    }

    private async ValueTask<Skill> FinishAsync(ValueTask commit, PendingSkill pending, Skill result)
    {
        await FinishAsync(commit, pending).ConfigureAwait(false);
        return result;
    }

    /// <summary>Drops <paramref name="pending"/> from the overlay unless a later write of the skill replaced it.</summary>
    private void Forget(PendingSkill pending) => _pending.TryRemove(new KeyValuePair<string, PendingSkill>(pending.Skill.Name, pending));

    /// <summary>The latest value of skill <paramref name="name"/>: staged and not yet applied, else stored. Call under its stripe.</summary>
    private bool TryReadLatest(string name, [NotNullWhen(true)] out Skill? skill, out string? sourceDigest)
    {
        if (_pending.TryGetValue(name, out PendingSkill? pending))
        {
            skill = pending.Skill;
            sourceDigest = pending.SourceDigest;
            return true;
        }

        if (Store.TryGet(Collection, name, out StoredRecord? record))
        {
            skill = SkillCodec.Read(record, out sourceDigest);
            return true;
        }

        skill = null;
        sourceDigest = null;
        return false;
    }

    private static void Wait(ValueTask pending)
    {
        if (pending.IsCompletedSuccessfully)
        {
            return;
        }

        pending.AsTask().GetAwaiter().GetResult();
    }

    private static T Wait<T>(ValueTask<T> pending) => pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// Turns tasks that agents solve repeatedly into skills. Reads every episode of every reflexion shard within the time
    /// window (a scan of the episodes — their vectors are loaded too — and of the task index of caller-id episodes, a page
    /// at a time), groups them by task text, and for each task with at least
    /// <see cref="SkillConsolidationOptions.MinAttempts"/> successful episodes whose mean reward is at least
    /// <see cref="SkillConsolidationOptions.MinReward"/>, creates or refreshes a skill. Idempotent: a second run over the
    /// same episodes writes nothing.
    /// </summary>
    /// <remarks>
    /// The rule, per qualifying task:
    /// <list type="bullet">
    /// <item>name: the task text, or when over <see cref="MaxConsolidatedNameBytes"/> UTF-8 bytes its first characters then
    /// <c>" #"</c> and 16 hex digits of XXH128 of the task;</item>
    /// <item>the best episode is the successful one with the highest reward (ties: newer, then smaller id); code = its
    /// output; signature = its metadata <c>"signature"</c> when present, else the first non-blank line of its output
    /// (at most 200 characters); vector = its task vector;</item>
    /// <item>statistics over all the task's episodes in the window (failures included): uses = attempts, success rate =
    /// successes / attempts, average reward and latency = means over the attempts;</item>
    /// <item>description: <c>"Consolidated from S successful of N episodes of the task: …"</c>.</item>
    /// </list>
    /// A skill of that name made by a caller, or consolidated from another task, is left alone (reported in
    /// <see cref="SkillConsolidationResult.Conflicts"/>). A consolidated skill is rewritten only when its episodes changed
    /// (a fingerprint of the group is stored with it); the rewrite replaces its statistics with the episodes', so uses
    /// recorded with <see cref="RecordUse"/> since the last refresh are dropped then — record uses as episodes to keep them.
    /// Skills are written in atomic batches of 256.
    /// </remarks>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public SkillConsolidationResult ConsolidateEpisodes(SkillConsolidationOptions? options = null) => Wait(ConsolidateCoreAsync(options, CancellationToken.None));

    /// <summary>
    /// The asynchronous form of <see cref="ConsolidateEpisodes"/>: each chunk's commit is waited for without blocking a
    /// thread (and without holding the chunk's stripes). The token is checked between chunks.
    /// </summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public ValueTask<SkillConsolidationResult> ConsolidateEpisodesAsync(SkillConsolidationOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ConsolidateCoreAsync(options, cancellationToken);
    }

    private async ValueTask<SkillConsolidationResult> ConsolidateCoreAsync(SkillConsolidationOptions? options, CancellationToken cancellationToken)
    {
        options ??= s_defaultConsolidation;
        if (options.MinAttempts < 1)
        {
            throw new ArgumentException($"MinAttempts must be at least 1; it is {options.MinAttempts}.", nameof(options));
        }

        if (!double.IsFinite(options.MinReward))
        {
            throw new ArgumentException($"MinReward must be finite; it is {options.MinReward}.", nameof(options));
        }

        if (options.FromUnixMs is long from && options.ToUnixMs is long to && from >= to)
        {
            throw new ArgumentException($"The time window [{from}, {to}) is empty: FromUnixMs must be before ToUnixMs.", nameof(options));
        }

        List<TaskIndexEntry> entries = _episodes.ReadAllTaskEntries(options.FromUnixMs, options.ToUnixMs);
        var groups = new Dictionary<string, TaskGroup>(StringComparer.Ordinal);
        foreach (TaskIndexEntry entry in entries)
        {
            if (!groups.TryGetValue(entry.Task, out TaskGroup? group))
            {
                group = new TaskGroup(entry.Task);
                groups.Add(entry.Task, group);
            }

            group.Add(entry);
        }

        var qualifying = new List<(string Name, TaskGroup Group)>();
        foreach (TaskGroup group in groups.Values)
        {
            if (group.Successes >= options.MinAttempts && group.SuccessRewardSum / group.Successes >= options.MinReward)
            {
                qualifying.Add((ConsolidatedName(group.Task), group));
            }
        }

        qualifying.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        var created = new List<string>();
        var refreshed = new List<string>();
        var unchanged = new List<string>();
        var conflicts = new List<string>();
        for (int start = 0; start < qualifying.Count; start += SkillsPerCommit)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int end = Math.Min(qualifying.Count, start + SkillsPerCommit);
            var createdHere = new List<string>();
            var refreshedHere = new List<string>();
            var pending = new List<PendingSkill>();
            ValueTask commit = ConsolidateChunk(qualifying, start, end, createdHere, refreshedHere, unchanged, conflicts, pending);
            try
            {
                await commit.ConfigureAwait(false);
            }
            finally
            {
                foreach (PendingSkill written in pending)
                {
                    Forget(written);
                }
            }

            created.AddRange(createdHere);
            refreshed.AddRange(refreshedHere);
        }

        return new SkillConsolidationResult(entries.Count, groups.Count, created.AsReadOnly(), refreshed.AsReadOnly(), unchanged.AsReadOnly(), conflicts.AsReadOnly());
    }

    /// <summary>Stages and appends one chunk under its stripes; returns the commit to wait for (after the stripes are released).</summary>
    private ValueTask ConsolidateChunk(
        List<(string Name, TaskGroup Group)> qualifying,
        int start,
        int end,
        List<string> createdHere,
        List<string> refreshedHere,
        List<string> unchanged,
        List<string> conflicts,
        List<PendingSkill> pending)
    {
        // Take the chunk's stripes in ascending order (a global order, so no deadlock with each other or RecordUse).
        var stripes = new SortedSet<int>();
        for (int i = start; i < end; i++)
        {
            stripes.Add(StripeIndex(qualifying[i].Name));
        }

        var taken = new List<Lock>(stripes.Count);
        try
        {
            foreach (int stripe in stripes)
            {
                _stripes[stripe].Enter();
                taken.Add(_stripes[stripe]);
            }

            var writes = new MemoryWriteSet();
            for (int i = start; i < end; i++)
            {
                (string name, TaskGroup group) = qualifying[i];
                string digest = group.Digest();
                bool exists = TryReadLatest(name, out Skill? current, out string? currentDigest);
                if (exists)
                {
                    if (current!.SourceTask != group.Task)
                    {
                        conflicts.Add(name);
                        continue;
                    }

                    if (currentDigest == digest)
                    {
                        unchanged.Add(name);
                        continue;
                    }
                }

                Episode? best = _episodes.ReadEpisode(group.Best!.Shard, group.Best.EpisodeId);
                if (best is null)
                {
                    continue; // replaced since the index was read; the next run picks the task up again
                }

                var skill = new Skill
                {
                    Name = name,
                    Description = string.Create(CultureInfo.InvariantCulture, $"Consolidated from {group.Successes} successful of {group.Attempts} episodes of the task: {group.Task}"),
                    Signature = best.Metadata.TryGetValue("signature", out string? signature) ? signature : FirstLine(best.Output),
                    Code = best.Output,
                    SuccessRate = (double)group.Successes / group.Attempts,
                    Uses = group.Attempts,
                    AverageReward = group.RewardSum / group.Attempts,
                    AverageLatencyMs = group.LatencySum / group.Attempts,
                    SourceTask = group.Task,
                    Vector = best.Vector,
                    CreatedUnixMs = exists ? current!.CreatedUnixMs : DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                    UpdatedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                };
                Stage(writes, skill, best.Vector.Span, digest);
                var staged = new PendingSkill(skill, digest);
                _pending[name] = staged;
                pending.Add(staged);
                (exists ? refreshedHere : createdHere).Add(name);
            }

            // Appends before it returns (see AppendLocked), so the log order is the stripes' order.
            return writes.CommitAsync(_context.Cache, requireSingleStore: true, CancellationToken.None);
        }
        catch
        {
            foreach (PendingSkill staged in pending)
            {
                Forget(staged);
            }

            pending.Clear();
            throw;
        }
        finally
        {
            for (int i = taken.Count - 1; i >= 0; i--)
            {
                taken[i].Exit();
            }
        }
    }

    private void Stage(MemoryWriteSet writes, Skill skill, ReadOnlySpan<float> vector, string? sourceDigest)
    {
        ArrayBufferWriter<byte> payload = s_payload ??= new ArrayBufferWriter<byte>(1024);
        payload.ResetWrittenCount();
        SkillCodec.Write(payload, skill, sourceDigest);
        writes.For(Store, MemoryKind.Skills).Upsert(Collection, skill.Name, payload.WrittenSpan, vector);
    }

    private Skill? ReadSkill(string name) => Store.TryGet(Collection, name, out StoredRecord? record) ? SkillCodec.Read(record, out _) : null;

    private SkillSearchResult Search(string? text, ReadOnlyMemory<float> vector, SkillSearchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.K < 1 || options.K > AgentDatabase.MaxSearchResults)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.K, $"K must be between 1 and {AgentDatabase.MaxSearchResults}.");
        }

        if (!(options.MinSuccessRate >= 0 && options.MinSuccessRate <= 1))
        {
            throw new ArgumentException($"MinSuccessRate must be between 0 and 1; it is {options.MinSuccessRate}.", nameof(options));
        }

        var builder = new QueryKeyBuilder("skills.search");
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
            builder.Add(options.MinSuccessRate);
            builder.Add(options.WithCertificate);
            key = builder.Build();
        }
        finally
        {
            builder.Dispose();
        }

        return _context.Cache.GetOrCompute(
            MemoryScope.Skills, key, (Self: this, Text: text, Vector: vector, Options: options), static s => s.Self.ComputeSearch(s.Text, s.Vector, s.Options));
    }

    private SkillSearchResult ComputeSearch(string? text, ReadOnlyMemory<float> vector, SkillSearchOptions options)
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
            int k = options.K;
            bool postFilter = options.MinSuccessRate > 0;
            int fetch = postFilter ? (int)Math.Min((long)k * OverFetchFactor, AgentDatabase.MaxSearchResults) : k;
            var kept = new List<SearchResult>(k);
            while (true)
            {
                kept.Clear();
                IReadOnlyList<SearchResult> results = Store.Search(Collection, vector.Span, fetch);
                for (int i = 0; i < results.Count && kept.Count < k; i++)
                {
                    if (!postFilter || SkillCodec.ReadSuccessRate(results[i].Record) >= options.MinSuccessRate)
                    {
                        kept.Add(results[i]);
                    }
                }

                if (kept.Count >= k || results.Count < fetch || fetch >= AgentDatabase.MaxSearchResults)
                {
                    break;
                }

                fetch = (int)Math.Min((long)fetch * OverFetchFactor, AgentDatabase.MaxSearchResults);
            }

            kept.Sort(static (a, b) =>
            {
                int byDistance = a.Distance.CompareTo(b.Distance);
                return byDistance != 0 ? byDistance : string.CompareOrdinal(a.Record.Id, b.Record.Id);
            });
            var matches = new SkillMatch[kept.Count];
            CertifiedItem[]? items = options.WithCertificate ? new CertifiedItem[kept.Count] : null;
            for (int i = 0; i < kept.Count; i++)
            {
                matches[i] = new SkillMatch(SkillCodec.Read(kept[i].Record, out _), kept[i].Distance);
                if (items is not null)
                {
                    items[i] = RecallCertificate.Certify(MemoryKind.Skills, 0, Collection, kept[i].Record);
                }
            }

            return new SkillSearchResult(new ReadOnlyCollection<SkillMatch>(matches), items is null ? null : RecallCertificate.Create(items));
        }
        finally
        {
            if (embedded is not null)
            {
                ArrayPool<float>.Shared.Return(embedded);
            }
        }
    }

    private Lock StripeOf(string name) => _stripes[StripeIndex(name)];

    private static int StripeIndex(string name) => (int)((uint)StringComparer.Ordinal.GetHashCode(name) % LockStripes);

    private static QueryKey KeyOf(string operation, string value)
    {
        var builder = new QueryKeyBuilder(operation);
        try
        {
            builder.Add(value);
            return builder.Build();
        }
        finally
        {
            builder.Dispose();
        }
    }

    private static string EmbeddingText(Skill skill) => string.IsNullOrEmpty(skill.Description) ? skill.Name : skill.Name + " " + skill.Description;

    /// <summary>The skill name consolidation gives <paramref name="task"/> (see <see cref="ConsolidateEpisodes"/>).</summary>
    internal static string ConsolidatedName(string task)
    {
        if (Encoding.UTF8.GetByteCount(task) <= MaxConsolidatedNameBytes)
        {
            return task;
        }

        UInt128 hash = XxHash128.HashToUInt128(Encoding.UTF8.GetBytes(task));
        string suffix = " #" + ((ulong)(hash >> 64)).ToString("x16", CultureInfo.InvariantCulture);
        int budget = MaxConsolidatedNameBytes - suffix.Length;
        int chars = 0, bytes = 0;
        while (chars < task.Length)
        {
            int width = char.IsHighSurrogate(task[chars]) && chars + 1 < task.Length ? 2 : 1;
            int size = Encoding.UTF8.GetByteCount(task.AsSpan(chars, width));
            if (bytes + size > budget)
            {
                break;
            }

            bytes += size;
            chars += width;
        }

        return string.Concat(task.AsSpan(0, chars), suffix);
    }

    private static string? FirstLine(string? output)
    {
        if (output is null)
        {
            return null;
        }

        foreach (ReadOnlySpan<char> line in output.AsSpan().EnumerateLines())
        {
            ReadOnlySpan<char> trimmed = line.Trim();
            if (!trimmed.IsEmpty)
            {
                return trimmed.Length <= 200 ? trimmed.ToString() : trimmed[..200].ToString();
            }
        }

        return null;
    }

    private void ValidateSkill(Skill skill, string parameterName)
    {
        if (skill is null)
        {
            throw new ArgumentNullException(parameterName);
        }

        ValidateName(skill.Name, parameterName);
        if (!(skill.SuccessRate >= 0 && skill.SuccessRate <= 1))
        {
            throw new ArgumentException($"The success rate must be between 0 and 1; it is {skill.SuccessRate}.", parameterName);
        }

        if (skill.Uses < 0)
        {
            throw new ArgumentException($"Uses must not be negative; it is {skill.Uses}.", parameterName);
        }

        if (!double.IsFinite(skill.AverageReward))
        {
            throw new ArgumentException($"The average reward must be finite; it is {skill.AverageReward}.", parameterName);
        }

        if (!double.IsFinite(skill.AverageLatencyMs) || skill.AverageLatencyMs < 0)
        {
            throw new ArgumentException($"The average latency must be finite and not negative; it is {skill.AverageLatencyMs}.", parameterName);
        }

        if (!skill.Vector.IsEmpty)
        {
            _context.ValidateVector(skill.Vector.Span, parameterName);
        }
    }


    private static void ValidateName(string name, string parameterName)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new ArgumentException("A skill needs a name.", parameterName);
        }

        if (Encoding.UTF8.GetByteCount(name) > AgentDatabase.MaxIdBytes)
        {
            throw new ArgumentException($"A skill name may have at most {AgentDatabase.MaxIdBytes} UTF-8 bytes.", parameterName);
        }
    }

    /// <summary>A skill's value written under its stripe and not yet applied to the store.</summary>
    private sealed class PendingSkill(Skill skill, string? sourceDigest)
    {
        public Skill Skill { get; } = skill;

        public string? SourceDigest { get; } = sourceDigest;
    }

    /// <summary>The episodes of one task, accumulated for consolidation.</summary>
    private sealed class TaskGroup(string task)
    {
        private ulong _idHash;

        public string Task { get; } = task;

        public int Attempts { get; private set; }

        public int Successes { get; private set; }

        public double RewardSum { get; private set; }

        public double SuccessRewardSum { get; private set; }

        public double LatencySum { get; private set; }

        public TaskIndexEntry? Best { get; private set; }

        public void Add(TaskIndexEntry entry)
        {
            Attempts++;
            RewardSum += entry.Reward;
            LatencySum += entry.LatencyMs;
            // Order-independent fingerprint of which episodes the group holds (shards are read in any order).
            _idHash += XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(entry.EpisodeId));
            if (!entry.Success)
            {
                return;
            }

            Successes++;
            SuccessRewardSum += entry.Reward;
            if (Best is null || entry.Reward > Best.Reward ||
                (entry.Reward == Best.Reward && (entry.TimestampUnixMs > Best.TimestampUnixMs ||
                    (entry.TimestampUnixMs == Best.TimestampUnixMs && string.CompareOrdinal(entry.EpisodeId, Best.EpisodeId) < 0))))
            {
                Best = entry;
            }
        }

        /// <summary>A fingerprint of the group: which episodes, their statistics and the best one.</summary>
        public string Digest() => string.Create(
            CultureInfo.InvariantCulture,
            $"{Attempts}:{Successes}:{RewardSum:R}:{LatencySum:R}:{_idHash:x16}:{Best?.EpisodeId}");
    }
}
