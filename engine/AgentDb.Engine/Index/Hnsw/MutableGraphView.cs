using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace AgentDb.Index.Hnsw;

/// <summary>An <see cref="IGraphView"/> over the managed arrays of an <see cref="HnswIndex"/>, safe under concurrent inserts.</summary>
internal readonly struct MutableGraphView(
    GraphStorage storage, ConcurrentDictionary<long, int> nodesById, int entryPoint, int maxLevel, int liveCount) : IGraphView
{
    public int NodeBound => storage.Capacity;

    public int MaxDegree => storage.MaxDegree0;

    public int EntryPoint => entryPoint;

    public int MaxLevel => maxLevel;

    public int LiveCount => liveCount;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<float> GetVector(int node) => storage.GetVector(node);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<int> GetNeighbors(int node, int level, Span<int> buffer) => storage.ReadNeighbors(node, level, buffer);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsDeleted(int node) => Volatile.Read(ref storage.Deleted[node]) != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long GetId(int node) => storage.Ids[node];

    // The map holds live ids only and may name a node reserved after this view's storage was taken.
    public bool TryGetNode(long id, out int node) => nodesById.TryGetValue(id, out node) && node < storage.Capacity;
}
