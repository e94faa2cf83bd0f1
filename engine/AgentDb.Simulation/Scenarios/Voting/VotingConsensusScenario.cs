using AgentDb.Memory.Reflexion;

namespace AgentDb.Simulation.Scenarios.Voting;

/// <summary>
/// <c>voting-consensus</c>: voters with preference vectors in the memory's embedding space elect one of
/// <see cref="CandidatesPerRound"/> candidates each round by instant-runoff voting, ranking the candidates whose
/// vectors are close to their preference. After each vote every voter stores its ballot as an episode (its preference
/// vector, the ranking, and as reward its agreement with the winner); before the next vote it retrieves the ballots
/// nearest its preference and drifts toward the mean of them weighted by their (positive) reward and toward the last
/// winner, so coalitions
/// form around the winners and consensus evolves from round to round.
/// </summary>
/// <remarks>
/// Deterministic for a seed: voters draw from their own random streams, the memory's nearest-ballot retrieval is exact
/// at this size, the retrieved ballots are ordered by (round, voter) before use, and the count and the metrics are
/// computed in voter order after every voter's memory operations of the phase have completed. With
/// <see cref="SimulationOptions.Optimize"/> a round's ballots are written as one <see cref="Targets.IMemoryTarget.StoreEpisodesAsync"/>.
/// </remarks>
public sealed class VotingConsensusScenario : ISimulationScenario
{
    /// <summary>Candidates standing in each round.</summary>
    public const int CandidatesPerRound = 7;

    /// <summary>The task text of every stored ballot.</summary>
    public const string BallotTask = "voting-consensus: ballot";

    /// <summary>Ballots each voter retrieves from memory before voting.</summary>
    public const int RetrievedBallots = 5;

    // Voters and candidates gather around a few ideological poles, so that coalitions exist to be found.
    private const int Poles = 3;
    private const float VoterNoise = 1.0f;
    private const float CandidateNoise = 0.8f;

    // A voter ranks every candidate at least this similar to its preference (and always its favourite).
    private const float BallotSimilarity = 0.2f;

    // Voters whose preferences are at least this similar and who share a first preference form a coalition.
    private const float CoalitionSimilarity = 0.5f;

    // How far a voter moves toward the retrieved ballots and toward the last winner each round.
    private const float NeighbourDrift = 0.35f;
    private const float WinnerDrift = 0.15f;

    // Streams of CreateRandom: voters use their index; these never collide with one.
    private const int SpaceStream = -1;
    private const int CandidateStreamBase = -1_000;

    /// <inheritdoc />
    public string Name => "voting-consensus";

    /// <inheritdoc />
    public string Description => "Ranked-choice (instant-runoff) voting, 7 candidates per round; voters remember ballots, drift and form coalitions.";

    /// <inheritdoc />
    public int DefaultSwarmSize => 50;

    /// <inheritdoc />
    public int DefaultIterations => 5;

    /// <inheritdoc />
    public async Task RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        var outcome = await SimulateAsync(context, cancellationToken).ConfigureAwait(false);
        Report(context, outcome);
    }

    /// <summary>Runs the simulation and returns everything it produced (the tests check its invariants).</summary>
    internal static async Task<VotingConsensusOutcome> SimulateAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        int voters = context.SwarmSize;
        int rounds = context.Options.Iterations;
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        int dimension = context.Memory.Dimension;

        var space = context.CreateRandom(SpaceStream);
        var poles = new float[Poles][];
        for (int p = 0; p < Poles; p++)
        {
            poles[p] = PreferenceSpace.Gaussian(space, dimension);
            PreferenceSpace.Normalize(poles[p]);
        }

        var randoms = new Random[voters];
        var preferences = new float[voters][];
        for (int v = 0; v < voters; v++)
        {
            randoms[v] = context.CreateRandom(v);
            preferences[v] = PreferenceSpace.Around(randoms[v], poles[v % Poles], 1f, VoterNoise);
        }

        var roundOutcomes = new List<VotingRoundOutcome>(rounds);
        var storedIds = new List<string>(voters * rounds);
        int failures = 0;
        float[]? lastWinner = null;
        for (int round = 0; round < rounds; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (round > 0)
            {
                failures += await DriftAsync(context, preferences, lastWinner!, cancellationToken).ConfigureAwait(false);
            }

            var candidateRandom = context.CreateRandom(CandidateStreamBase - round);
            var candidates = new float[CandidatesPerRound][];
            for (int c = 0; c < CandidatesPerRound; c++)
            {
                candidates[c] = PreferenceSpace.Around(candidateRandom, poles[candidateRandom.Next(Poles)], 1f, CandidateNoise);
            }

            var ballots = new int[voters][];
            var firstPreferences = new int[voters];
            for (int v = 0; v < voters; v++)
            {
                ballots[v] = PreferenceSpace.Rank(preferences[v], candidates, BallotSimilarity);
                firstPreferences[v] = ballots[v][0];
            }

            var count = InstantRunoffCounter.Count(ballots, CandidatesPerRound);
            var winner = candidates[count.Winner];
            var agreement = new float[voters];
            double agreementSum = 0;
            for (int v = 0; v < voters; v++)
            {
                agreement[v] = PreferenceSpace.Dot(preferences[v], winner);
                agreementSum += agreement[v];
            }
            var coalitions = CoalitionFinder.Find(firstPreferences, preferences, CoalitionSimilarity);
            roundOutcomes.Add(new VotingRoundOutcome(round, ballots, count, coalitions, agreementSum / voters));

            var episodes = new Episode[voters];
            for (int v = 0; v < voters; v++)
            {
                episodes[v] = BallotEpisode(round, v, ballots[v], count.Winner, agreement[v], preferences[v]);
            }
            var (ids, storeFailures) = await StoreAsync(context, episodes, cancellationToken).ConfigureAwait(false);
            failures += storeFailures;
            foreach (string? id in ids)
            {
                if (id is not null)
                {
                    storedIds.Add(id);
                }
            }

            lastWinner = winner;
            context.Progress?.Report((round + 1) / (double)rounds);
        }

        return new VotingConsensusOutcome(roundOutcomes, storedIds, failures);
    }

    private static Episode BallotEpisode(int round, int voter, int[] ballot, int winner, float agreement, float[] preference) => new()
    {
        Task = BallotTask,
        Input = $"round {round}",
        Output = string.Join('>', ballot),
        Reward = agreement,
        Success = ballot[0] == winner,
        Tags = ["voting-consensus"],
        Metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["round"] = round.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["voter"] = voter.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["winner"] = winner.ToString(System.Globalization.CultureInfo.InvariantCulture),
        },
        // A copy: the voter's vector keeps drifting, the stored ballot must not.
        Vector = (float[])preference.Clone(),
    };

    // Each voter retrieves the ballots nearest its preference and moves toward their reward-weighted mean and toward
    // the last winner. All retrievals see the same memory (the previous rounds' ballots) and all drifts are applied
    // after all retrievals, so the result does not depend on the order in which voters finish.
    private static async Task<int> DriftAsync(ScenarioContext context, float[][] preferences, float[] lastWinner, CancellationToken cancellationToken)
    {
        int voters = preferences.Length;
        var retrieved = new IReadOnlyList<EpisodeMatch>?[voters];
        int failures = 0;
        // No MinReward filter in the query: the memory would over-fetch (4k, 16k, …) while too few pass; the nearest k are
        // taken as they are and the ones that disagreed with their winner get no weight below.
        var options = new EpisodeRetrievalOptions { K = RetrievedBallots };
        await context.ForEachAgentAsync(voters, async (v, ct) =>
        {
            try
            {
                retrieved[v] = await context.MeasureAsync("retrieve_ballots",
                    () => context.Memory.RetrieveRelevantAsync(preferences[v], options, ct)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Interlocked.Increment(ref failures);
            }
        }, cancellationToken).ConfigureAwait(false);

        int dimension = lastWinner.Length;
        var target = new float[dimension];
        for (int v = 0; v < voters; v++)
        {
            var pref = preferences[v];
            target.AsSpan().Clear();
            var matches = Ordered(retrieved[v]);
            double weight = 0;
            foreach (var match in matches)
            {
                var vector = match.Episode.Vector.Span;
                if (vector.Length != dimension)
                {
                    continue;
                }
                float w = (float)Math.Max(0, match.Episode.Reward);
                for (int i = 0; i < dimension; i++)
                {
                    target[i] += w * vector[i];
                }
                weight += w;
            }
            if (weight > 0)
            {
                PreferenceSpace.Normalize(target);
                for (int i = 0; i < dimension; i++)
                {
                    pref[i] += NeighbourDrift * target[i];
                }
            }
            for (int i = 0; i < dimension; i++)
            {
                pref[i] += WinnerDrift * lastWinner[i];
            }
            PreferenceSpace.Normalize(pref);
        }
        return failures;
    }

    // The retrieved ballots ordered by (round, voter), so the floating-point sums above are the same in every run.
    private static List<EpisodeMatch> Ordered(IReadOnlyList<EpisodeMatch>? matches)
    {
        var list = new List<EpisodeMatch>(matches?.Count ?? 0);
        if (matches is null)
        {
            return list;
        }
        foreach (var m in matches)
        {
            if (m.Episode.Task == BallotTask)
            {
                list.Add(m);
            }
        }
        list.Sort(static (a, b) =>
        {
            int c = MetadataNumber(a.Episode, "round").CompareTo(MetadataNumber(b.Episode, "round"));
            return c != 0 ? c : MetadataNumber(a.Episode, "voter").CompareTo(MetadataNumber(b.Episode, "voter"));
        });
        return list;
    }

    private static int MetadataNumber(Episode episode, string key) =>
        episode.Metadata.TryGetValue(key, out string? text) && int.TryParse(text, System.Globalization.NumberStyles.Integer,
            System.Globalization.CultureInfo.InvariantCulture, out int n) ? n : int.MaxValue;

    private static async Task<(string?[] Ids, int Failures)> StoreAsync(ScenarioContext context, Episode[] episodes, CancellationToken cancellationToken)
    {
        var ids = new string?[episodes.Length];
        int failures = 0;
        if (context.Options.Optimize)
        {
            try
            {
                var stored = await EpisodeBatches.StoreAsync(context, "store_ballots_batch", episodes, cancellationToken).ConfigureAwait(false);
                for (int i = 0; i < ids.Length; i++)
                {
                    ids[i] = stored[i];
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failures++;
            }
            return (ids, failures);
        }

        await context.ForEachAgentAsync(episodes.Length, async (v, ct) =>
        {
            try
            {
                ids[v] = await context.MeasureAsync("store_ballot",
                    () => context.Memory.StoreEpisodeAsync(episodes[v], ct)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Interlocked.Increment(ref failures);
            }
        }, cancellationToken).ConfigureAwait(false);
        return (ids, failures);
    }

    private static void Report(ScenarioContext context, VotingConsensusOutcome outcome)
    {
        long cast = 0;
        long counted = 0;
        long exhausted = 0;
        int majorities = 0;
        foreach (var round in outcome.Rounds)
        {
            var final = round.Count.FinalRound;
            cast += round.Count.BallotsCast;
            counted += final.Continuing + final.Exhausted;
            exhausted += final.Exhausted;
            if (round.Count.HasMajority)
            {
                majorities++;
            }
            context.AddPoint("consensus", round.Round, round.Consensus);
            context.AddPoint("agreement", round.Round, round.Agreement);
            context.AddPoint("winner", round.Round, round.Count.Winner);
            context.AddPoint("irv_rounds", round.Round, round.Count.Rounds.Count);
            context.AddPoint("exhausted_ballots", round.Round, final.Exhausted);
            context.AddPoint("coalitions", round.Round, round.Coalitions.Count);
            context.AddPoint("largest_coalition", round.Round, round.Coalitions.Count == 0 ? 0 : round.Coalitions[0].Length);
        }

        var first = outcome.Rounds[0];
        var last = outcome.Rounds[^1];
        context.SetMetric("voters", context.SwarmSize);
        context.SetMetric("rounds", outcome.Rounds.Count);
        context.SetMetric("candidates_per_round", CandidatesPerRound);
        context.SetMetric("votes_cast", cast);
        context.SetMetric("votes_counted", counted);
        context.SetMetric("exhausted_ballots", exhausted);
        context.SetMetric("majority_winners", majorities);
        context.SetMetric("initial_consensus", first.Consensus);
        context.SetMetric("final_consensus", last.Consensus);
        context.SetMetric("consensus_gain", last.Consensus - first.Consensus);
        context.SetMetric("initial_agreement", first.Agreement);
        context.SetMetric("final_agreement", last.Agreement);
        context.SetMetric("coalitions", last.Coalitions.Count);
        context.SetMetric("largest_coalition", last.Coalitions.Count == 0 ? 0 : last.Coalitions[0].Length);
        // The sizes of the final round's coalitions, largest first (step = rank).
        for (int i = 0; i < last.Coalitions.Count; i++)
        {
            context.AddPoint("final_coalition_sizes", i, last.Coalitions[i].Length);
        }
        context.SetMetric("episodes_stored", outcome.StoredEpisodeIds.Count);
        context.SetMetric("failed_operations", outcome.FailedOperations);
    }
}
