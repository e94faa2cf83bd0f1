namespace AgentDb.Index.Hnsw;

/// <summary>
/// A filter holding the set of allowed ids. Because it knows its <see cref="Count"/>, a search can compare it with the
/// number of live points and scan the allowed ids exactly when they are a small fraction of the index.
/// Immutable once built, so one instance may serve concurrent searches.
/// </summary>
public sealed class IdSetFilter : IIdFilter
{
    private readonly HashSet<long> _ids;

    /// <summary>A filter allowing exactly <paramref name="ids"/> (duplicates count once).</summary>
    public IdSetFilter(ReadOnlySpan<long> ids)
    {
        _ids = new HashSet<long>(ids.Length);
        foreach (long id in ids)
        {
            _ids.Add(id);
        }
    }

    /// <summary>A filter allowing exactly <paramref name="ids"/> (duplicates count once).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="ids"/> is null.</exception>
    public IdSetFilter(IEnumerable<long> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        _ids = new HashSet<long>(ids);
    }

    /// <summary>A filter over <paramref name="ids"/> itself (not copied: the caller must not change it while the filter is in use).</summary>
    internal IdSetFilter(HashSet<long> ids, bool scanExactly)
    {
        _ids = ids;
        ScanExactly = scanExactly;
    }

    /// <summary>Whether a search always scans the allowed ids exactly, whatever their share of the live points.</summary>
    internal bool ScanExactly { get; }

    /// <summary>The number of distinct allowed ids.</summary>
    public int Count => _ids.Count;

    /// <inheritdoc />
    public bool Matches(long id) => _ids.Contains(id);

    /// <summary>Enumerates the allowed ids without allocating (a struct enumerator), for exact scans.</summary>
    internal HashSet<long>.Enumerator EnumerateIds() => _ids.GetEnumerator();
}
