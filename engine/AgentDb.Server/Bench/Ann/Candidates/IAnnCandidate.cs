using AgentDb.Server.Bench.Ann.Data;

namespace AgentDb.Server.Bench.Ann.Candidates;

/// <summary>
/// An index measured in this process: the harness builds it once, then times <see cref="Search"/> one query at a time
/// on one thread for each ef of the sweep, and scores the ids against the ground truth.
/// </summary>
/// <remarks>
/// Adapters hold their own configuration (metric, M, ef-construction) from construction. The vectors of
/// <see cref="Build"/> are identified by their row number, and <see cref="Search"/> returns those row numbers.
/// </remarks>
internal interface IAnnCandidate : IDisposable
{
    /// <summary>The name shown in the table, the JSON and the plot legend.</summary>
    string Name { get; }

    /// <summary>Library, version and parameters, for the report (e.g. <c>usearch 2.26.6, connectivity 16</c>).</summary>
    string Detail { get; }

    /// <summary>
    /// Whether <see cref="Search"/> depends on ef. When false (an exact scan), the sweep runs once, reported as ef 0.
    /// </summary>
    bool UsesEf { get; }

    /// <summary>
    /// Inserts every vector of <paramref name="baseVectors"/> (id = row number) using up to <paramref name="threads"/>
    /// threads. Called once; the harness times it.
    /// </summary>
    void Build(VectorSet baseVectors, int threads);

    /// <summary>
    /// Writes the ids of the (approximately) nearest <paramref name="k"/> vectors to <paramref name="query"/> into
    /// <paramref name="ids"/>, nearest first, and returns how many were written. Called on one thread.
    /// </summary>
    /// <param name="query">The query vector, of the base vectors' dimension.</param>
    /// <param name="k">Neighbours wanted.</param>
    /// <param name="ef">The breadth of the search's candidate list (ignored when <see cref="UsesEf"/> is false).</param>
    /// <param name="ids">Receives the ids; at least <paramref name="k"/> long.</param>
    int Search(ReadOnlySpan<float> query, int k, int ef, Span<long> ids);

    /// <summary>
    /// The bytes the built index holds (vectors and graph), as the index itself accounts them; null when it does
    /// not know, in which case the harness reports the growth of the managed heap during <see cref="Build"/>.
    /// </summary>
    long? MemoryBytes { get; }
}
