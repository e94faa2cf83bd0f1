using AgentDb.Index;
using AgentDb.Storage;

namespace AgentDb;

/// <summary>Adapts a <see cref="PayloadFilter"/> to the vector index: resolves an internal id to its record and tests the payload.</summary>
internal sealed class PayloadFilterMatcher : IVectorIdFilter
{
    private readonly IRecordStore _store;
    private readonly CollectionDescriptor _collection;
    private readonly PayloadFilter _filter;

    public PayloadFilterMatcher(IRecordStore store, CollectionDescriptor collection, PayloadFilter filter)
    {
        _store = store;
        _collection = collection;
        _filter = filter;
    }

    public bool Matches(long internalId) =>
        _store.TryGetByInternalId(_collection, internalId, out StoredRecord? record) && _filter.Matches(record.Payload);
}
