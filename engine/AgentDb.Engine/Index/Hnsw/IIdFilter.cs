namespace AgentDb.Index.Hnsw;

/// <summary>
/// Restricts a search to the ids it matches. Called from the search's inner loop, possibly from several threads at once:
/// implementations must be fast, thread-safe and free of side effects.
/// </summary>
/// <remarks>
/// A filter that can count its matches should be an <see cref="IdSetFilter"/>: the index then knows how selective it is
/// and scans the matching ids exactly when they are few, instead of walking the graph past the rest.
/// </remarks>
public interface IIdFilter
{
    /// <summary>Whether <paramref name="id"/> may be returned.</summary>
    bool Matches(long id);
}
