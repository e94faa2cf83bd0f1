using System.Runtime.CompilerServices;

namespace AgentDb.Index.Hnsw;

/// <summary>
/// Which nodes a search has seen, as generation stamps: starting a search bumps the generation instead of clearing
/// the array, which is cleared only once every 65,535 searches when the stamp wraps. Owned by one thread at a time
/// (see <see cref="SearchScratch"/>).
/// </summary>
internal sealed class VisitedSet
{
    private ushort[] _stamps = [];
    private ushort _generation;

    /// <summary>Forgets every visit and makes room for node ids below <paramref name="nodeCount"/>.</summary>
    public void Reset(int nodeCount)
    {
        if (_stamps.Length < nodeCount)
        {
            // Grow with headroom: a growing index otherwise reallocates on every doubling of its own.
            _stamps = new ushort[Math.Max(nodeCount, Math.Min(_stamps.Length * 2, Array.MaxLength))];
            _generation = 0;
        }

        _generation++;
        if (_generation == 0)
        {
            Array.Clear(_stamps);
            _generation = 1;
        }
    }

    /// <summary>Marks <paramref name="node"/> visited; returns false when it already was.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryVisit(int node)
    {
        ref ushort stamp = ref _stamps[node];
        if (stamp == _generation)
        {
            return false;
        }

        stamp = _generation;
        return true;
    }
}
