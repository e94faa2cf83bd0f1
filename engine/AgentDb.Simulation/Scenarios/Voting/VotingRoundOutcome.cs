namespace AgentDb.Simulation.Scenarios.Voting;

/// <summary>What one voting round produced.</summary>
/// <param name="Round">The round (0-based).</param>
/// <param name="Ballots">Each voter's ballot, by voter.</param>
/// <param name="Count">The instant-runoff count of the ballots.</param>
/// <param name="Coalitions">The coalitions after the vote (see <see cref="CoalitionFinder"/>).</param>
/// <param name="Agreement">The mean cosine similarity of the voters' preferences to the winner's vector.</param>
internal sealed record VotingRoundOutcome(
    int Round, IReadOnlyList<int[]> Ballots, InstantRunoffResult Count, IReadOnlyList<int[]> Coalitions, double Agreement)
{
    /// <summary>The winner's first-preference share: the round's consensus.</summary>
    public double Consensus => Count.WinnerFirstRoundShare;
}
