using AgentDb.Index;
using AgentDb.Storage;

namespace AgentDb;

/// <summary>An applied collection: the store's descriptor and its vector index.</summary>
internal sealed class CollectionState
{
    public CollectionState(CollectionDescriptor descriptor, TieredVectorIndex index)
    {
        Descriptor = descriptor;
        Index = index;
    }

    public CollectionDescriptor Descriptor { get; }

    public TieredVectorIndex Index { get; }
}
