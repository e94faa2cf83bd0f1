using AgentDb.Memory.Provenance;

namespace AgentDb.Memory.Graph;

/// <summary>What <see cref="GraphStore.SearchNodes(ReadOnlyMemory{float}, NodeSearchOptions?)"/> found. Immutable.</summary>
/// <param name="Hits">The nearest matching nodes, nearest first.</param>
/// <param name="Certificate">The certificate over the returned nodes when asked for; else null.</param>
public sealed record NodeSearchResult(IReadOnlyList<NodeSearchHit> Hits, RecallCertificate? Certificate);
