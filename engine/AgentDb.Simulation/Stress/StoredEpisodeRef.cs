namespace AgentDb.Simulation.Stress;

/// <summary>An episode a stress agent stored: its id and session.</summary>
/// <param name="Id">The id the memory gave it.</param>
/// <param name="SessionId">The agent's session.</param>
internal readonly record struct StoredEpisodeRef(string Id, string SessionId);
