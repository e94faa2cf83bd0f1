using AgentDb.Index;
using AgentDb.Storage;

namespace AgentDb;

/// <summary>An applied collection: the store's descriptor, its vector index and its payload indexes.</summary>
internal sealed class CollectionState
{
    private PayloadFieldIndex[] _payloadIndexes = [];
    private long _changeLsn;

    public CollectionState(CollectionDescriptor descriptor, TieredVectorIndex index)
    {
        Descriptor = descriptor;
        Index = index;
    }

    public CollectionDescriptor Descriptor { get; }

    public TieredVectorIndex Index { get; }

    /// <summary>The payload equality indexes; replaced whole by the apply thread (copy on write), read by searches.</summary>
    public PayloadFieldIndex[] PayloadIndexes
    {
        get => Volatile.Read(ref _payloadIndexes);
        set => Volatile.Write(ref _payloadIndexes, value);
    }

    /// <summary>
    /// The LSN of the last applied entry that changed the collection (a write, its creation, a payload index), or the
    /// LSN the database opened at for a collection not changed since. Written by the apply thread; read by anyone.
    /// </summary>
    public long ChangeLsn
    {
        get => Volatile.Read(ref _changeLsn);
        set => Volatile.Write(ref _changeLsn, value);
    }

    /// <summary>The payload index on <paramref name="field"/> (UTF-8), or null.</summary>
    public PayloadFieldIndex? FindPayloadIndex(ReadOnlySpan<byte> field)
    {
        foreach (PayloadFieldIndex index in PayloadIndexes)
        {
            if (index.FieldUtf8.SequenceEqual(field))
            {
                return index;
            }
        }

        return null;
    }
}
