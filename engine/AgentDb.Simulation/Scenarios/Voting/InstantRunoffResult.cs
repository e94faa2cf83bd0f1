namespace AgentDb.Simulation.Scenarios.Voting;

/// <summary>The outcome of an instant-runoff count.</summary>
/// <param name="Winner">The elected candidate.</param>
/// <param name="BallotsCast">The ballots given to the count.</param>
/// <param name="Rounds">Every counting round in order; the last one elected <paramref name="Winner"/>.</param>
internal sealed record InstantRunoffResult(int Winner, int BallotsCast, IReadOnlyList<InstantRunoffRound> Rounds)
{
    /// <summary>The round that elected the winner.</summary>
    public InstantRunoffRound FinalRound => Rounds[^1];

    /// <summary>Whether the winner holds more than half of the continuing ballots of the final round (false only when
    /// every ballot is exhausted).</summary>
    public bool HasMajority => FinalRound.Tallies[Winner] * 2L > FinalRound.Continuing;

    /// <summary>The winner's share of all ballots cast in the first round (first preferences).</summary>
    public double WinnerFirstRoundShare => BallotsCast == 0 ? 0 : (double)Rounds[0].Tallies[Winner] / BallotsCast;
}
