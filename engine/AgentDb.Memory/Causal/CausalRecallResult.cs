using AgentDb.Memory.Provenance;

namespace AgentDb.Memory.Causal;

/// <summary>What a causal recall returned. Immutable (results may be shared through the query cache).</summary>
/// <param name="Items">The memories, highest score first (ties: higher similarity, then id).</param>
/// <param name="Candidates">How many nearest episodes were scored.</param>
/// <param name="Certificate">
/// With <see cref="CausalRecallOptions.WithCertificate"/>: proof of, for each item in order, its episode record and then
/// its supporting edge's adjacency record (when it has one); else null.
/// </param>
public sealed record CausalRecallResult(IReadOnlyList<CausalRecallItem> Items, int Candidates, RecallCertificate? Certificate);
