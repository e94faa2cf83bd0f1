using AgentDb.Index;
using AgentDb.Storage;

namespace AgentDb;

/// <summary>An applied collection: the store's descriptor and its in-memory vector index.</summary>
internal sealed class CollectionState
{
    public CollectionState(CollectionDescriptor descriptor, ICollectionVectorIndex index)
    {
        Descriptor = descriptor;
        Index = index;
    }

    public CollectionDescriptor Descriptor { get; }

    public ICollectionVectorIndex Index { get; }
}
