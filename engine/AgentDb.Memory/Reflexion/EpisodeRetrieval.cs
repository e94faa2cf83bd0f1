using AgentDb.Memory.Provenance;

namespace AgentDb.Memory.Reflexion;

/// <summary>The result of a retrieval: the matches, nearest first, and the certificate when one was asked for.</summary>
/// <param name="Matches">The episodes kept by the filters, nearest first (ties by id).</param>
/// <param name="Certificate">A certificate over exactly the returned records, in order; null unless asked for.</param>
public sealed record EpisodeRetrieval(IReadOnlyList<EpisodeMatch> Matches, RecallCertificate? Certificate);
