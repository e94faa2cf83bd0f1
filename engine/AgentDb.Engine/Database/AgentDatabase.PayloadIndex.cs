using System.Buffers;
using System.Text;
using AgentDb.Index;
using AgentDb.Storage;

namespace AgentDb;

/// <summary>Payload equality indexes: creation (logged), maintenance on apply, rebuild on open, and the filtered-search planner.</summary>
public sealed partial class AgentDatabase
{
    /// <summary>The longest payload field name an index may be created on, in UTF-8 bytes.</summary>
    public const int MaxPayloadIndexFieldBytes = 255;

    /// <summary>The most payload indexes one collection may have.</summary>
    public const int MaxPayloadIndexesPerCollection = 16;

    /// <summary>
    /// A filter whose indexed condition matches at most this many records (or <see cref="IndexedCandidateShare"/> of the
    /// collection's vectors, whichever is more) is answered from the index's ids alone: their distances are computed and
    /// nothing else is read. Above it the search takes its usual path, the index answering the condition per id.
    /// </summary>
    private const int MinIndexedCandidateLimit = 4_096;

    /// <summary>The share of a collection's vectors below which an indexed condition's ids are scanned exactly: 1 / this.</summary>
    private const int IndexedCandidateShare = 10;

    /// <summary>
    /// Creates an in-memory equality index on the top-level payload field <paramref name="field"/> of
    /// <paramref name="collection"/>: a <see cref="PayloadFilter"/> condition on it (<c>field == value</c>, or
    /// <c>field contains value</c> for a string array) is then answered from the index instead of reading and parsing
    /// records, and a search whose indexed condition matches few records computes distances for those records only.
    /// The creation is logged (so replicas and replays create it too) and the field's name is kept with the collection;
    /// the index itself is built by a scan of the records now and on every open. Idempotent.
    /// </summary>
    /// <returns>True when the index was created; false when it existed.</returns>
    /// <exception cref="ArgumentException">The collection name is invalid; the field is empty, longer than <see cref="MaxPayloadIndexFieldBytes"/> UTF-8 bytes or holds control characters; or the collection already has <see cref="MaxPayloadIndexesPerCollection"/> indexes.</exception>
    /// <exception cref="CollectionNotFoundException">The collection does not exist.</exception>
    /// <exception cref="ObjectDisposedException">The database was disposed.</exception>
    public bool CreatePayloadIndex(string collection, string field)
    {
        ValidateCollectionName(collection);
        ValidatePayloadFieldName(field);
        _stateLock.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            if (_byName.TryGetValue(collection, out CollectionState? applied))
            {
                string[] fields = applied.Descriptor.PayloadIndexFields;
                if (Array.IndexOf(fields, field) >= 0)
                {
                    return false;
                }

                if (fields.Length >= MaxPayloadIndexesPerCollection)
                {
                    throw new ArgumentException($"Collection '{collection}' already has {fields.Length} payload indexes, the most allowed.", nameof(field));
                }
            }
        }
        finally
        {
            _stateLock.ExitReadLock();
        }

        int size = LogEntryCodec.CreatePayloadIndexSize(Encoding.UTF8.GetByteCount(field));
        byte[] buffer = ArrayPool<byte>.Shared.Rent(LogRoom + size);
        long lsn;
        long ticket;
        try
        {
            lock (_appendLock)
            {
                ThrowIfClosed();
                ThrowIfReplica();
                LogicalCollection target = ResolveForWrite(collection, 0);
                LogEntryCodec.EncodeCreatePayloadIndex(buffer.AsSpan(LogRoom, size), NowUnixMs(), target.Id, field);
                (lsn, ticket) = AppendLocked(buffer, size);
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }

        return CompleteWrite(lsn, ticket, buffer, size);
    }

    /// <summary>The top-level payload fields of <paramref name="collection"/> that have an equality index.</summary>
    /// <exception cref="CollectionNotFoundException">The collection does not exist.</exception>
    /// <exception cref="ObjectDisposedException">The database was disposed.</exception>
    public IReadOnlyList<string> ListPayloadIndexes(string collection)
    {
        _stateLock.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            return RequireCollection(collection).Descriptor.PayloadIndexFields.AsReadOnly();
        }
        finally
        {
            _stateLock.ExitReadLock();
        }
    }

    private static void ValidatePayloadFieldName(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (field.Length == 0)
        {
            throw new ArgumentException("A payload field name must not be empty.", nameof(field));
        }

        foreach (char c in field)
        {
            if (char.IsControl(c))
            {
                throw new ArgumentException($"The payload field name '{field}' holds a control character (U+{(int)c:X4}).", nameof(field));
            }
        }

        int bytes;
        try
        {
            bytes = new UTF8Encoding(false, throwOnInvalidBytes: true).GetByteCount(field);
        }
        catch (EncoderFallbackException exception)
        {
            throw new ArgumentException($"The payload field name is not valid Unicode: {exception.Message}", nameof(field), exception);
        }

        if (bytes > MaxPayloadIndexFieldBytes)
        {
            throw new ArgumentException($"The payload field name is {bytes} UTF-8 bytes; the maximum is {MaxPayloadIndexFieldBytes}.", nameof(field));
        }
    }

    /// <summary>Applies a create-payload-index entry: the field is kept with the collection, and the index built when <paramref name="build"/>.</summary>
    private bool ApplyCreatePayloadIndex(long lsn, ReadOnlySpan<byte> entry, bool build)
    {
        (long collectionId, string field) = LogEntryCodec.DecodeCreatePayloadIndex(entry, lsn);

        // The store's descriptor, not _byId: during the replay at open the collection states do not exist yet.
        CollectionDescriptor? descriptor = null;
        foreach (CollectionDescriptor candidate in _store.Collections)
        {
            if (candidate.Id == collectionId)
            {
                descriptor = candidate;
                break;
            }
        }

        if (descriptor is null || Array.IndexOf(descriptor.PayloadIndexFields, field) >= 0)
        {
            _store.MarkApplied(lsn); // dropped meanwhile, or created twice by racing calls: nothing to do
            return false;
        }

        string[] fields = [.. descriptor.PayloadIndexFields, field];
        _store.SetPayloadIndexFields(lsn, descriptor, fields);
        if (build && _byId.TryGetValue(collectionId, out CollectionState? state))
        {
            // The apply thread builds it: no write to the collection applies meanwhile, so the scan is exact. Searches go
            // on without it until it is published. (At open, Recover builds every index after the replay.)
            PayloadFieldIndex index = BuildPayloadIndexes(descriptor, [field])[0];
            state.PayloadIndexes = [.. state.PayloadIndexes, index];
            state.ChangeLsn = lsn;
        }

        return true;
    }

    /// <summary>Keeps the collection's payload indexes in step with one applied write (apply thread).</summary>
    private static void ApplyToPayloadIndexes(CollectionState state, in RecordWrite write, in RecordWriteOutcome outcome)
    {
        PayloadFieldIndex[] indexes = state.PayloadIndexes;
        for (int p = 0; p < indexes.Length; p++)
        {
            if (write.Kind == RecordWriteKind.Upsert)
            {
                indexes[p].Put(outcome.InternalId, write.Payload);
            }
            else if (outcome.Existed)
            {
                indexes[p].Remove(outcome.InternalId);
            }
        }
    }

    /// <summary>Builds the indexes on <paramref name="fields"/> by one scan of the collection's records.</summary>
    private PayloadFieldIndex[] BuildPayloadIndexes(CollectionDescriptor descriptor, string[] fields)
    {
        var indexes = new PayloadFieldIndex[fields.Length];
        for (int i = 0; i < fields.Length; i++)
        {
            indexes[i] = new PayloadFieldIndex(fields[i]);
        }

        if (indexes.Length > 0)
        {
            var builder = new PayloadIndexBuilder(indexes);
            _store.VisitPayloads(descriptor, ref builder);
        }

        return indexes;
    }

    /// <summary>
    /// The planner of a filtered search: when a condition of <paramref name="filter"/> is on an indexed field, the most
    /// selective such condition gives the candidates. Few (see <see cref="MinIndexedCandidateLimit"/>): their distances
    /// are computed exactly from the vector index's own rows and the other conditions asked nearest first. Many: the
    /// usual search runs with the indexed conditions answered by the indexes (no record read for them). False when no
    /// condition is indexed (the caller reads records as before).
    /// </summary>
    private bool TrySearchIndexed(CollectionState state, PayloadFilter filter, ReadOnlySpan<float> vector, int k, Span<VectorSearchHit> hits, int ef, out int found)
    {
        found = 0;
        PayloadFieldIndex[] indexes = state.PayloadIndexes;
        if (indexes.Length == 0)
        {
            return false;
        }

        int conditions = filter.ConditionCount;
        int best = -1;
        int bestCount = int.MaxValue;
        int indexedConditions = 0;
        PayloadFieldIndex? bestIndex = null;
        for (int c = 0; c < conditions; c++)
        {
            (byte[] field, byte[] value, bool contains) = filter.ConditionAt(c);
            PayloadFieldIndex? index = state.FindPayloadIndex(field);
            if (index is null)
            {
                continue;
            }

            indexedConditions++;
            int count = index.CountOf(value, contains);
            if (count < bestCount)
            {
                (best, bestCount, bestIndex) = (c, count, index);
            }
        }

        if (bestIndex is null)
        {
            return false;
        }

        if (bestCount == 0)
        {
            return true; // nothing matches the indexed condition
        }

        // The conditions left once the candidates are chosen: indexed ones are asked of their index, any other by
        // reading the record (the whole filter then, as before).
        PayloadFilterMatcher? reader = indexedConditions == conditions ? null : new PayloadFilterMatcher(_store, state.Descriptor, filter);
        int limit = Math.Max(MinIndexedCandidateLimit, state.Index.Count / IndexedCandidateShare);
        if (bestCount <= limit)
        {
            IVectorIdFilter? rest = conditions == 1 ? null : new IndexedConditionsFilter(state, filter, skip: best, reader);
            (byte[] _, byte[] value, bool contains) = filter.ConditionAt(best);
            long[] candidates = ArrayPool<long>.Shared.Rent(limit);
            try
            {
                int copied = bestIndex.CopyIds(value, contains, candidates.AsSpan(0, limit));
                if (copied >= 0)
                {
                    found = state.Index.SearchCandidates(vector, k, hits, candidates.AsSpan(0, copied), rest);
                    return true;
                }
            }
            finally
            {
                ArrayPool<long>.Shared.Return(candidates);
            }

            // It grew past the limit between the count and the copy: the general path below.
        }

        found = state.Index.Search(vector, k, hits, new IndexedConditionsFilter(state, filter, skip: -1, reader), ef);
        return true;
    }

    /// <summary>Feeds every record's payload to the indexes being built (a copy per record into one reused buffer).</summary>
    private struct PayloadIndexBuilder(PayloadFieldIndex[] indexes) : IPayloadVisitor
    {
        private byte[] _buffer = new byte[1024];

        public void Visit(long internalId, ReadOnlySpan<byte> payload)
        {
            if (_buffer.Length < payload.Length)
            {
                _buffer = new byte[Math.Max(payload.Length, _buffer.Length * 2)];
            }

            payload.CopyTo(_buffer);
            ReadOnlyMemory<byte> copy = _buffer.AsMemory(0, payload.Length);
            foreach (PayloadFieldIndex index in indexes)
            {
                index.Put(internalId, copy);
            }
        }
    }

    /// <summary>
    /// A filter's conditions answered by payload indexes where they can be (a hash lookup each), the record read (the
    /// whole filter) only when some condition has no index and the indexed ones passed.
    /// </summary>
    private sealed class IndexedConditionsFilter : IVectorIdFilter
    {
        private readonly PayloadFieldIndex[] _indexes;
        private readonly byte[][] _values;
        private readonly bool[] _contains;
        private readonly PayloadFilterMatcher? _reader;

        /// <param name="state">The collection.</param>
        /// <param name="filter">The filter.</param>
        /// <param name="skip">A condition already satisfied by every id asked (the candidates' own), or -1.</param>
        /// <param name="reader">Reads the record for the conditions without an index; null when all have one.</param>
        public IndexedConditionsFilter(CollectionState state, PayloadFilter filter, int skip, PayloadFilterMatcher? reader)
        {
            var indexes = new List<PayloadFieldIndex>();
            var values = new List<byte[]>();
            var contains = new List<bool>();
            for (int c = 0; c < filter.ConditionCount; c++)
            {
                (byte[] field, byte[] value, bool isContains) = filter.ConditionAt(c);
                PayloadFieldIndex? index = c == skip ? null : state.FindPayloadIndex(field);
                if (index is not null)
                {
                    indexes.Add(index);
                    values.Add(value);
                    contains.Add(isContains);
                }
            }

            _indexes = indexes.ToArray();
            _values = values.ToArray();
            _contains = contains.ToArray();
            _reader = reader;
        }

        public bool Matches(long internalId)
        {
            for (int i = 0; i < _indexes.Length; i++)
            {
                if (!_indexes[i].Matches(internalId, _values[i], _contains[i]))
                {
                    return false;
                }
            }

            return _reader is null || _reader.Matches(internalId);
        }
    }
}
