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

    /// <summary>The number of distinct allowed ids.</summary>
    public int Count => _ids.Count;

    /// <inheritdoc />
    public bool Matches(long id) => _ids.Contains(id);

    /// <summary>Enumerates the allowed ids without allocating (a struct enumerator), for exact scans.</summary>
    internal HashSet<long>.Enumerator EnumerateIds() => _ids.GetEnumerator();
}
