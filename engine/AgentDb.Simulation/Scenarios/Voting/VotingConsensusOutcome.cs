namespace AgentDb.Simulation.Scenarios.Voting;

/// <summary>What a voting-consensus run produced, for its metrics and the tests' invariants.</summary>
/// <param name="Rounds">Every round in order.</param>
/// <param name="StoredEpisodeIds">The ids of the ballots stored as episodes, in (round, voter) order; failed stores are absent.</param>
/// <param name="FailedOperations">Memory operations that failed (the voter carried on without them).</param>
internal sealed record VotingConsensusOutcome(
    IReadOnlyList<VotingRoundOutcome> Rounds, IReadOnlyList<string> StoredEpisodeIds, int FailedOperations);
