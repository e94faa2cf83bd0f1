namespace AgentDb.Server.Bench.Ann.Embedding;

/// <summary>The texts of a real-text data set, and where they came from.</summary>
/// <param name="BaseTexts">Texts to index, distinct from each other and from the queries.</param>
/// <param name="QueryTexts">Held-out whole descriptions to search with; no fragment of them is in the base.</param>
/// <param name="DistinctDescriptions">Distinct descriptions available in the source.</param>
/// <param name="FromDescriptions">Base texts that are whole descriptions.</param>
/// <param name="FromParagraphs">Base texts that are single paragraphs (or synopses) of longer descriptions.</param>
/// <param name="FromSentences">Base texts that are single sentences of longer paragraphs.</param>
internal sealed record TextCorpus(
    IReadOnlyList<string> BaseTexts,
    IReadOnlyList<string> QueryTexts,
    int DistinctDescriptions,
    int FromDescriptions,
    int FromParagraphs,
    int FromSentences);
