namespace AgentDb.Simulation.Scenarios.Voting;

/// <summary>
/// One counting round of an instant-runoff count. Every ballot is in exactly one place: on the pile of the continuing
/// candidate it currently ranks highest, or exhausted (all the candidates it ranks are eliminated, or it ranks none), so
/// <c>Σ Tallies + Exhausted == ballots cast</c>.
/// </summary>
/// <param name="Tallies">Ballots counting for each candidate this round (0 for an eliminated candidate).</param>
/// <param name="Exhausted">Ballots that count for nobody this round.</param>
/// <param name="Eliminated">The candidate eliminated at the end of this round, or -1 when this round elected the winner.</param>
internal sealed record InstantRunoffRound(int[] Tallies, int Exhausted, int Eliminated)
{
    /// <summary>Ballots that still count for a candidate (the majority's base).</summary>
    public int Continuing
    {
        get
        {
            int sum = 0;
            foreach (int t in Tallies)
            {
                sum += t;
            }
            return sum;
        }
    }
}
