namespace AgentDb.Index;

/// <summary>Decides whether an internal id may appear in search results (mirrors HNSW's <c>IIdFilter</c>).</summary>
internal interface IVectorIdFilter
{
    bool Matches(long internalId);
}
