using System.Globalization;
using AgentDb.Memory.Reflexion;
using AgentDb.Memory.Skills;

namespace AgentDb.Simulation.Scenarios.MultiAgentSwarm;

/// <summary>
/// <c>multi-agent-swarm</c>: N agents working in parallel (<see cref="SimulationOptions.Parallel"/> at once) on one shared
/// memory. Each iteration every agent works a task with its current strategy, stores the episode and records a use of
/// the strategy's shared skill (write phase); then reads two peers' episodes of the iteration by id and retrieves
/// episodes near its next task, and adopts the best peer's strategy when that peer did clearly better (read phase). At
/// the end a skill search reads back the shared skills' use counts. The outcome depends on the seed only: every
/// decision is made from data that is complete when the phase starts.
/// </summary>
public sealed class MultiAgentSwarmScenario : ISimulationScenario
{
    /// <summary>Strategies, each shared as one skill.</summary>
    public const int StrategyCount = 5;

    /// <summary>Distinct tasks.</summary>
    public const int TaskCount = 8;

    /// <summary>Peers whose episodes an agent reads per iteration (fewer in a smaller swarm).</summary>
    public const int PeersRead = 2;

    /// <summary>Episodes an agent retrieves per iteration.</summary>
    public const int RetrieveK = 5;

    private const string StrategyKey = "strategy";

    /// <inheritdoc />
    public string Name => "multi-agent-swarm";

    /// <inheritdoc />
    public string Description => "N agents in parallel on shared memory: store episodes, read peers' episodes, share skills";

    /// <inheritdoc />
    public int DefaultSwarmSize => 10;

    /// <summary>The id of the episode agent <paramref name="agent"/> stores in <paramref name="iteration"/>.</summary>
    public static string EpisodeId(int seed, int agent, int iteration) =>
        string.Create(CultureInfo.InvariantCulture, $"mas-s{seed}-a{agent}-i{iteration}");

    /// <summary>The name of the skill shared for strategy <paramref name="strategy"/>.</summary>
    public static string SkillName(int seed, int strategy) => string.Create(CultureInfo.InvariantCulture, $"mas-s{seed}-strategy-{strategy}");

    /// <inheritdoc />
    public async Task RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var memory = context.Memory;
        int agents = context.SwarmSize;
        int iterations = context.Options.Iterations;
        int seed = context.Options.Seed;
        int dimension = memory.Dimension;

        var world = context.CreateRandom(-1);
        var strategyQuality = new double[StrategyCount];
        var skillVectors = new float[StrategyCount][];
        for (int s = 0; s < StrategyCount; s++)
        {
            strategyQuality[s] = 0.3 + 0.6 * world.NextDouble();
            skillVectors[s] = SimulationVectors.Unit(world, dimension);
        }
        var taskVectors = new float[TaskCount][];
        var taskOffset = new double[TaskCount];
        var taskNames = new string[TaskCount];
        for (int t = 0; t < TaskCount; t++)
        {
            taskVectors[t] = SimulationVectors.Unit(world, dimension);
            taskOffset[t] = (world.NextDouble() - 0.5) * 0.1;
            taskNames[t] = string.Create(CultureInfo.InvariantCulture, $"mas-s{seed}-task-{t}");
        }

        for (int s = 0; s < StrategyCount; s++)
        {
            var skill = new Skill { Name = SkillName(seed, s), Description = "shared strategy", Vector = skillVectors[s] };
            await context.MeasureAsync("setup.upsert_skill", () => memory.UpsertSkillAsync(skill, cancellationToken)).ConfigureAwait(false);
        }

        var random = new Random[agents];
        var strategy = new int[agents];
        var nextStrategy = new int[agents];
        var rewards = new double[agents];
        var episodes = new Episode[agents];
        var reads = new int[agents];
        var missing = new int[agents];
        var retrieved = new int[agents];
        var adopted = new bool[agents];
        for (int a = 0; a < agents; a++)
        {
            random[a] = context.CreateRandom(a);
            strategy[a] = random[a].Next(StrategyCount);
        }
        int peers = Math.Min(PeersRead, agents - 1);

        long stored = 0, readTotal = 0, missingTotal = 0, retrievedTotal = 0, adoptions = 0;
        double firstReward = 0, lastReward = 0;
        for (int iteration = 0; iteration < iterations; iteration++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int i = iteration;

            // Write phase: work, store the episode, share the strategy's use.
            await context.ForEachAgentAsync(agents, async (a, ct) =>
            {
                var rng = random[a];
                int task = (a + i) % TaskCount;
                int s = strategy[a];
                double reward = Math.Round(Math.Clamp(strategyQuality[s] + taskOffset[task] + (rng.NextDouble() - 0.5) * 0.1, 0, 1), 4);
                rewards[a] = reward;
                var episode = new Episode
                {
                    Id = EpisodeId(seed, a, i),
                    SessionId = string.Create(CultureInfo.InvariantCulture, $"mas-s{seed}-agent-{a}"),
                    Task = taskNames[task],
                    Output = string.Create(CultureInfo.InvariantCulture, $"used strategy {s}"),
                    Critique = reward >= 0.6 ? "worked" : "weak result",
                    Reward = reward,
                    Success = reward >= 0.6,
                    LatencyMs = 1 + rng.Next(100),
                    Metadata = new Dictionary<string, string>(StringComparer.Ordinal) { [StrategyKey] = s.ToString(CultureInfo.InvariantCulture) },
                    Vector = SimulationVectors.Near(taskVectors[task], 0.3, rng),
                };
                episodes[a] = episode;
                if (!context.Options.Optimize)
                {
                    await context.MeasureAsync("store_episode", () => memory.StoreEpisodeAsync(episode, ct)).ConfigureAwait(false);
                }
                await context.MeasureAsync("share_skill_use",
                    () => memory.RecordSkillUseAsync(SkillName(seed, s), reward >= 0.6, reward, episode.LatencyMs, ct)).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
            if (context.Options.Optimize)
            {
                await EpisodeBatches.StoreAsync(context, "store_episodes_batch", episodes, cancellationToken).ConfigureAwait(false);
            }

            // Read phase: every episode of this iteration is stored.
            await context.ForEachAgentAsync(agents, async (a, ct) =>
            {
                var rng = random[a];
                double bestReward = rewards[a];
                int best = strategy[a];
                reads[a] = 0;
                missing[a] = 0;
                for (int p = 0; p < peers; p++)
                {
                    int peer = (a + 1 + rng.Next(agents - 1)) % agents;
                    var seen = await context.MeasureAsync("read_peer_episode", () => memory.GetEpisodeAsync(EpisodeId(seed, peer, i), ct))
                        .ConfigureAwait(false);
                    if (seen is null)
                    {
                        missing[a]++;
                        continue;
                    }
                    reads[a]++;
                    if (seen.Metadata.TryGetValue(StrategyKey, out var text)
                        && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int peerStrategy)
                        && peerStrategy < StrategyCount
                        && seen.Reward > bestReward + 0.05)
                    {
                        bestReward = seen.Reward;
                        best = peerStrategy;
                    }
                }
                var matches = await context.MeasureAsync("retrieve_relevant", () => memory.RetrieveRelevantAsync(
                    taskVectors[(a + i + 1) % TaskCount], new EpisodeRetrievalOptions { K = RetrieveK }, ct)).ConfigureAwait(false);
                retrieved[a] = matches.Count;
                adopted[a] = best != strategy[a];
                nextStrategy[a] = best;
            }, cancellationToken).ConfigureAwait(false);

            double sum = 0;
            int adoptionsNow = 0;
            for (int a = 0; a < agents; a++)
            {
                sum += rewards[a];
                readTotal += reads[a];
                missingTotal += missing[a];
                retrievedTotal += retrieved[a];
                adoptionsNow += adopted[a] ? 1 : 0;
                strategy[a] = nextStrategy[a];
            }
            stored += agents;
            adoptions += adoptionsNow;
            double mean = Math.Round(sum / agents, 6);
            if (i == 0)
            {
                firstReward = mean;
            }
            lastReward = mean;
            context.AddPoint("mean_reward", i + 1, mean);
            context.AddPoint("adoptions", i + 1, adoptionsNow);
            context.Progress?.Report((i + 1) / (double)iterations);
        }

        // Read the shared skills back: their use counts must add up to one use per agent per iteration.
        var skills = await context.MeasureAsync("read_shared_skills", () => memory.SearchSkillsAsync(
            skillVectors[0], new SkillSearchOptions { K = 1_000 }, cancellationToken)).ConfigureAwait(false);
        long uses = 0;
        string prefix = string.Create(CultureInfo.InvariantCulture, $"mas-s{seed}-strategy-");
        foreach (var match in skills)
        {
            if (match.Skill.Name.StartsWith(prefix, StringComparison.Ordinal))
            {
                uses += match.Skill.Uses;
            }
        }

        var counts = new int[StrategyCount];
        for (int a = 0; a < agents; a++)
        {
            counts[strategy[a]]++;
        }
        int dominant = 0;
        for (int s = 1; s < StrategyCount; s++)
        {
            if (counts[s] > counts[dominant])
            {
                dominant = s;
            }
        }

        context.SetMetric("agents", agents);
        context.SetMetric("episodes_stored", stored);
        context.SetMetric("peer_episodes_read", readTotal);
        context.SetMetric("peer_episodes_missing", missingTotal);
        context.SetMetric("mean_results_per_retrieval", stored == 0 ? 0 : Math.Round(retrievedTotal / (double)stored, 6));
        context.SetMetric("strategy_adoptions", adoptions);
        context.SetMetric("first_iteration_reward", firstReward);
        context.SetMetric("last_iteration_reward", lastReward);
        context.SetMetric("improvement", Math.Round(lastReward - firstReward, 6));
        context.SetMetric("dominant_strategy_share", Math.Round(counts[dominant] / (double)agents, 6));
        context.SetMetric("skill_uses_recorded", uses);
    }
}
