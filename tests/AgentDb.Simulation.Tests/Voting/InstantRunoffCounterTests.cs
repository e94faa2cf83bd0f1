using AgentDb.Simulation.Scenarios.Voting;

namespace AgentDb.Simulation.Tests.Voting;

public sealed class InstantRunoffCounterTests
{
    [Fact]
    public void FirstRoundMajorityWinsAtOnce()
    {
        var result = InstantRunoffCounter.Count([[0, 1], [0], [0, 2], [1, 0], [2]], 3);
        Assert.Equal(0, result.Winner);
        Assert.Single(result.Rounds);
        Assert.Equal([3, 1, 1], result.Rounds[0].Tallies);
        Assert.True(result.HasMajority);
        Assert.Equal(0.6, result.WinnerFirstRoundShare, 10);
    }

    [Fact]
    public void EliminatedCandidatesBallotsMoveToTheirNextChoice()
    {
        // A 4, B 3, C 2: no majority of 9; C is eliminated and its ballots go to B, which wins 5 to 4.
        var ballots = new List<int[]>();
        for (int i = 0; i < 4; i++)
        {
            ballots.Add([0, 1]);
        }
        for (int i = 0; i < 3; i++)
        {
            ballots.Add([1, 0]);
        }
        ballots.Add([2, 1]);
        ballots.Add([2, 1, 0]);

        var result = InstantRunoffCounter.Count(ballots, 3);

        Assert.Equal(1, result.Winner);
        Assert.Equal(2, result.Rounds.Count);
        Assert.Equal(2, result.Rounds[0].Eliminated);
        Assert.Equal([4, 5, 0], result.FinalRound.Tallies);
        Assert.Equal(-1, result.FinalRound.Eliminated);
        Assert.Equal(3.0 / 9, result.WinnerFirstRoundShare, 10);
    }

    [Fact]
    public void ExhaustedBallotsAreCountedAndTheMajorityIsOfContinuingBallots()
    {
        // A 3, B 2, C 2 (truncated): C goes out first (tie with B on tally and first preferences: the higher index loses),
        // its ballots exhaust; then A 3 of 5 continuing wins.
        int[][] ballots = [[0], [0], [0], [1], [1], [2], [2]];
        var result = InstantRunoffCounter.Count(ballots, 3);

        Assert.Equal(0, result.Winner);
        Assert.Equal(2, result.Rounds[0].Eliminated);
        Assert.Equal(2, result.FinalRound.Exhausted);
        Assert.Equal(5, result.FinalRound.Continuing);
        Assert.True(result.HasMajority);
        foreach (var round in result.Rounds)
        {
            Assert.Equal(ballots.Length, round.Continuing + round.Exhausted);
        }
    }

    [Fact]
    public void EmptyBallotsAreExhaustedFromTheStart()
    {
        var result = InstantRunoffCounter.Count([[], [1], []], 2);
        Assert.Equal(1, result.Winner);
        Assert.Equal(2, result.Rounds[0].Exhausted);
        Assert.Equal(3, result.BallotsCast);
    }

    [Fact]
    public void TiesAreBrokenByFirstPreferencesThenIndex()
    {
        // Two candidates with one vote each: neither has a majority of 2; the higher index is eliminated; its ballot
        // moves to candidate 0, which wins with both.
        var result = InstantRunoffCounter.Count([[0], [1, 0]], 2);
        Assert.Equal(0, result.Winner);
        Assert.Equal(1, result.Rounds[0].Eliminated);
        Assert.Equal([2, 0], result.FinalRound.Tallies);
    }

    [Fact]
    public void InvalidBallotsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => InstantRunoffCounter.Count([[0, 0]], 2));
        Assert.Throws<ArgumentException>(() => InstantRunoffCounter.Count([[2]], 2));
        Assert.Throws<ArgumentException>(() => InstantRunoffCounter.Count([[-1]], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => InstantRunoffCounter.Count([], 0));
    }

    [Fact]
    public void EveryRoundOfRandomElectionsCountsEveryBallotOnce()
    {
        var random = new Random(1234);
        for (int trial = 0; trial < 300; trial++)
        {
            int candidates = random.Next(1, 9);
            int voters = random.Next(1, 80);
            var ballots = new int[voters][];
            for (int v = 0; v < voters; v++)
            {
                var order = new int[candidates];
                for (int c = 0; c < candidates; c++)
                {
                    order[c] = c;
                }
                random.Shuffle(order);
                ballots[v] = order[..random.Next(1, candidates + 1)];
            }

            var result = InstantRunoffCounter.Count(ballots, candidates);

            var eliminated = new HashSet<int>();
            foreach (var round in result.Rounds)
            {
                Assert.Equal(voters, round.Continuing + round.Exhausted);
                foreach (int c in eliminated)
                {
                    Assert.Equal(0, round.Tallies[c]);
                }
                if (round.Eliminated >= 0)
                {
                    Assert.True(eliminated.Add(round.Eliminated));
                }
            }
            Assert.DoesNotContain(result.Winner, eliminated);
            // Every ballot is non-empty, so one always continues and the winner holds a majority of them.
            Assert.True(result.HasMajority, $"trial {trial}");
        }
    }
}
