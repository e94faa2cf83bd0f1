using AgentDb.Memory.Provenance;

namespace AgentDb.Memory.Causal;

/// <summary>The edges an effects or causes query returned, strongest first. Immutable (results may be shared through the query cache).</summary>
/// <param name="Edges">The edges, ordered by <see cref="CausalEdge.ExpectedUplift"/> descending, then edge id.</param>
/// <param name="Certificate">With <see cref="CausalEdgeQueryOptions.WithCertificate"/>: proof of the adjacency records read, in result order; else null.</param>
public sealed record CausalEdgeQueryResult(IReadOnlyList<CausalEdge> Edges, RecallCertificate? Certificate);
