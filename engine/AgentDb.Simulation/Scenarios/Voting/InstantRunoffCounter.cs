namespace AgentDb.Simulation.Scenarios.Voting;

/// <summary>
/// Instant-runoff (ranked-choice) counting. Each ballot ranks some candidates, most preferred first. Every round counts
/// each ballot for its highest-ranked continuing candidate; a candidate with more than half of the continuing ballots
/// wins, otherwise the candidate with the fewest votes is eliminated and its ballots move to their next continuing
/// choice (or become exhausted). Ties are broken deterministically: the candidate with fewer first preferences is
/// eliminated first, then the one with the higher index; the leader is the one with more first preferences, then the
/// lower index. Cost: O(candidates² + total ballot length), since only the eliminated candidate's pile is moved.
/// </summary>
internal static class InstantRunoffCounter
{
    /// <summary>Counts <paramref name="ballots"/> over candidates 0..<paramref name="candidateCount"/>-1.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="candidateCount"/> is below 1.</exception>
    /// <exception cref="ArgumentException">A ballot names a candidate out of range or ranks one twice.</exception>
    public static InstantRunoffResult Count(IReadOnlyList<int[]> ballots, int candidateCount)
    {
        ArgumentNullException.ThrowIfNull(ballots);
        ArgumentOutOfRangeException.ThrowIfLessThan(candidateCount, 1);
        Validate(ballots, candidateCount);

        int n = ballots.Count;
        var position = new int[n];
        var piles = new List<int>[candidateCount];
        for (int c = 0; c < candidateCount; c++)
        {
            piles[c] = [];
        }

        int exhausted = 0;
        for (int b = 0; b < n; b++)
        {
            if (ballots[b].Length == 0)
            {
                exhausted++;
            }
            else
            {
                piles[ballots[b][0]].Add(b);
            }
        }

        var firstPreferences = new int[candidateCount];
        for (int c = 0; c < candidateCount; c++)
        {
            firstPreferences[c] = piles[c].Count;
        }

        var eliminated = new bool[candidateCount];
        var rounds = new List<InstantRunoffRound>(candidateCount);
        int remaining = candidateCount;
        while (true)
        {
            var tallies = new int[candidateCount];
            int continuing = 0;
            int leader = -1;
            int loser = -1;
            for (int c = 0; c < candidateCount; c++)
            {
                if (eliminated[c])
                {
                    continue;
                }
                tallies[c] = piles[c].Count;
                continuing += tallies[c];
                if (leader < 0 || Ranks(tallies[c], firstPreferences[c], tallies[leader], firstPreferences[leader]) > 0)
                {
                    leader = c;
                }
                // Later (higher-index) candidates lose ties on equal tallies and first preferences.
                if (loser < 0 || Ranks(tallies[c], firstPreferences[c], tallies[loser], firstPreferences[loser]) <= 0)
                {
                    loser = c;
                }
            }

            if (tallies[leader] * 2L > continuing || remaining == 1)
            {
                rounds.Add(new InstantRunoffRound(tallies, exhausted, -1));
                return new InstantRunoffResult(leader, n, rounds);
            }

            rounds.Add(new InstantRunoffRound(tallies, exhausted, loser));
            eliminated[loser] = true;
            remaining--;
            foreach (int b in piles[loser])
            {
                int[] ballot = ballots[b];
                int p = position[b] + 1;
                while (p < ballot.Length && eliminated[ballot[p]])
                {
                    p++;
                }
                position[b] = p;
                if (p == ballot.Length)
                {
                    exhausted++;
                }
                else
                {
                    piles[ballot[p]].Add(b);
                }
            }
            piles[loser].Clear();
        }
    }

    // > 0 when (tally, first) ranks above (otherTally, otherFirst); 0 when they are equal.
    private static int Ranks(int tally, int first, int otherTally, int otherFirst) =>
        tally != otherTally ? tally.CompareTo(otherTally) : first.CompareTo(otherFirst);

    private static void Validate(IReadOnlyList<int[]> ballots, int candidateCount)
    {
        var seenAt = new int[candidateCount];
        for (int b = 0; b < ballots.Count; b++)
        {
            int[] ballot = ballots[b] ?? throw new ArgumentException($"Ballot {b} is null.", nameof(ballots));
            foreach (int c in ballot)
            {
                if ((uint)c >= (uint)candidateCount)
                {
                    throw new ArgumentException($"Ballot {b} names candidate {c}; candidates are 0..{candidateCount - 1}.", nameof(ballots));
                }
                if (seenAt[c] == b + 1)
                {
                    throw new ArgumentException($"Ballot {b} ranks candidate {c} twice.", nameof(ballots));
                }
                seenAt[c] = b + 1;
            }
        }
    }
}
