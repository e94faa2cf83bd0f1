using System.Globalization;
using AgentDb.Memory.Reflexion;
using AgentDb.Memory.Skills;

namespace AgentDb.Simulation.Scenarios.LeanAgenticSwarm;

/// <summary>
/// <c>lean-agentic-swarm</c>: a small swarm of three roles, assigned round-robin (agent 0 memory, 1 skill,
/// 2 coordinator, 3 memory, …), each doing two memory operations per iteration. Each iteration has a write phase
/// (memory agents store an episode, skill agents record a use of their skill, coordinators add a causal edge from
/// what they read last time) and then a read phase (memory agents retrieve episodes near their task, skill agents
/// search skills, coordinators read the task's statistics), so what the reads see does not depend on how parallel
/// agents interleave. With <see cref="SimulationOptions.Optimize"/> the memory agents' episodes of an iteration are
/// stored in one batched call.
/// </summary>
public sealed class LeanAgenticSwarmScenario : ISimulationScenario
{
    /// <summary>The number of distinct tasks the memory agents work on.</summary>
    public const int TaskCount = 5;

    /// <summary>Episodes a memory agent retrieves per query.</summary>
    public const int RetrieveK = 5;

    /// <summary>Skills a skill agent asks for per search.</summary>
    public const int SearchK = 3;

    /// <inheritdoc />
    public string Name => "lean-agentic-swarm";

    /// <inheritdoc />
    public string Description => "3 roles (memory, skill, coordinator) round-robin, 2 memory operations per agent per iteration";

    /// <inheritdoc />
    public int DefaultSwarmSize => 3;

    /// <summary>The role of agent <paramref name="agent"/>: 0 memory, 1 skill, 2 coordinator.</summary>
    public static int RoleOf(int agent) => agent % 3;

    /// <summary>The id of the episode memory agent <paramref name="agent"/> stores in <paramref name="iteration"/>.</summary>
    public static string EpisodeId(int seed, int agent, int iteration) =>
        string.Create(CultureInfo.InvariantCulture, $"lean-s{seed}-a{agent}-i{iteration}");

    /// <summary>The name of skill agent <paramref name="agent"/>'s skill.</summary>
    public static string SkillName(int seed, int agent) => string.Create(CultureInfo.InvariantCulture, $"lean-s{seed}-skill-{agent}");

    /// <summary>The task name of task <paramref name="task"/>.</summary>
    public static string TaskName(int seed, int task) => string.Create(CultureInfo.InvariantCulture, $"lean-s{seed}-task-{task}");

    /// <inheritdoc />
    public async Task RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var memory = context.Memory;
        int agents = context.SwarmSize;
        int iterations = context.Options.Iterations;
        int seed = context.Options.Seed;
        int dimension = memory.Dimension;

        var shared = context.CreateRandom(-1);
        var taskVectors = new float[TaskCount][];
        for (int t = 0; t < TaskCount; t++)
        {
            taskVectors[t] = SimulationVectors.Unit(shared, dimension);
        }
        var random = new Random[agents];
        var skillVectors = new float[agents][];
        var agentTask = new int[agents];
        var rewards = new double[agents];
        var retrieved = new int[agents];
        var attemptsSeen = new int[agents];
        for (int a = 0; a < agents; a++)
        {
            random[a] = context.CreateRandom(a);
            skillVectors[a] = SimulationVectors.Unit(random[a], dimension);
        }

        // Setup: each skill agent owns one skill.
        for (int a = 0; a < agents; a++)
        {
            if (RoleOf(a) == 1)
            {
                var skill = new Skill { Name = SkillName(seed, a), Description = "lean swarm skill", Vector = skillVectors[a] };
                await context.MeasureAsync("setup.upsert_skill", () => memory.UpsertSkillAsync(skill, cancellationToken)).ConfigureAwait(false);
            }
        }

        long episodes = 0, skillUses = 0, causalEdges = 0, retrievedTotal = 0, readsTotal = 0;
        double rewardSum = 0;
        var batch = new Episode?[agents];
        for (int iteration = 0; iteration < iterations; iteration++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int i = iteration;

            // Write phase.
            await context.ForEachAgentAsync(agents, async (a, ct) =>
            {
                var rng = random[a];
                switch (RoleOf(a))
                {
                    case 0:
                        int task = rng.Next(TaskCount);
                        double reward = Math.Round(rng.NextDouble(), 3);
                        agentTask[a] = task;
                        rewards[a] = reward;
                        var episode = new Episode
                        {
                            Id = EpisodeId(seed, a, i),
                            SessionId = string.Create(CultureInfo.InvariantCulture, $"lean-s{seed}-agent-{a}"),
                            Task = TaskName(seed, task),
                            Output = "done",
                            Critique = reward >= 0.5 ? "good enough" : "needs another pass",
                            Reward = reward,
                            Success = reward >= 0.5,
                            LatencyMs = rng.Next(1, 50),
                            Vector = SimulationVectors.Near(taskVectors[task], 0.2, rng),
                        };
                        if (context.Options.Optimize)
                        {
                            batch[a] = episode;
                        }
                        else
                        {
                            await context.MeasureAsync("memory.store_episode", () => memory.StoreEpisodeAsync(episode, ct)).ConfigureAwait(false);
                        }
                        break;
                    case 1:
                        double use = rng.NextDouble();
                        rewards[a] = Math.Round(use, 3);
                        await context.MeasureAsync("skill.record_use",
                            () => memory.RecordSkillUseAsync(SkillName(seed, a), use >= 0.3, Math.Round(use, 3), rng.Next(1, 20), ct)).ConfigureAwait(false);
                        break;
                    default:
                        // The coordinator turns what it read last iteration into a causal edge.
                        int seenTask = agentTask[a];
                        double uplift = rewards[a] - 0.5;
                        await context.MeasureAsync("coordinator.add_causal_edge", () => memory.AddCausalEdgeAsync(
                            TaskName(seed, seenTask), string.Create(CultureInfo.InvariantCulture, $"lean-s{seed}-coordinator-{a}"),
                            "delegation", uplift, 0.5, ct)).ConfigureAwait(false);
                        break;
                }
            }, cancellationToken).ConfigureAwait(false);

            if (context.Options.Optimize)
            {
                var episodesOfIteration = new List<Episode>(agents);
                for (int a = 0; a < agents; a++)
                {
                    if (batch[a] is { } episode)
                    {
                        episodesOfIteration.Add(episode);
                        batch[a] = null;
                    }
                }
                if (episodesOfIteration.Count > 0)
                {
                    await EpisodeBatches.StoreAsync(context, "memory.store_episodes_batch", episodesOfIteration, cancellationToken)
                        .ConfigureAwait(false);
                }
            }

            // Read phase: everything written so far is visible, whatever the interleaving.
            await context.ForEachAgentAsync(agents, async (a, ct) =>
            {
                switch (RoleOf(a))
                {
                    case 0:
                        var matches = await context.MeasureAsync("memory.retrieve", () => memory.RetrieveRelevantAsync(
                            taskVectors[agentTask[a]], new EpisodeRetrievalOptions { K = RetrieveK }, ct)).ConfigureAwait(false);
                        retrieved[a] = matches.Count;
                        break;
                    case 1:
                        var skills = await context.MeasureAsync("skill.search", () => memory.SearchSkillsAsync(
                            skillVectors[a], new SkillSearchOptions { K = SearchK }, ct)).ConfigureAwait(false);
                        retrieved[a] = skills.Count;
                        break;
                    default:
                        int task = (a / 3 + i) % TaskCount;
                        var stats = await context.MeasureAsync("coordinator.task_stats",
                            () => memory.GetTaskStatsAsync(TaskName(seed, task), ct)).ConfigureAwait(false);
                        agentTask[a] = task;
                        rewards[a] = stats.Attempts == 0 ? 0.5 : Math.Clamp(Math.Round(stats.SuccessRate, 3), 0, 1);
                        attemptsSeen[a] = stats.Attempts;
                        break;
                }
            }, cancellationToken).ConfigureAwait(false);

            // Tally in agent order, so the sums do not depend on scheduling.
            for (int a = 0; a < agents; a++)
            {
                switch (RoleOf(a))
                {
                    case 0:
                        episodes++;
                        rewardSum += rewards[a];
                        retrievedTotal += retrieved[a];
                        readsTotal++;
                        break;
                    case 1:
                        skillUses++;
                        retrievedTotal += retrieved[a];
                        readsTotal++;
                        break;
                    default:
                        causalEdges++;
                        break;
                }
            }
            context.AddPoint("episodes_total", i + 1, episodes);
            context.Progress?.Report((i + 1) / (double)iterations);
        }

        int memoryAgents = 0, skillAgents = 0, coordinators = 0;
        long lastAttempts = 0;
        for (int a = 0; a < agents; a++)
        {
            switch (RoleOf(a))
            {
                case 0: memoryAgents++; break;
                case 1: skillAgents++; break;
                default: coordinators++; lastAttempts += attemptsSeen[a]; break;
            }
        }
        context.SetMetric("agents", agents);
        context.SetMetric("memory_agents", memoryAgents);
        context.SetMetric("skill_agents", skillAgents);
        context.SetMetric("coordinator_agents", coordinators);
        context.SetMetric("episodes_stored", episodes);
        context.SetMetric("skill_uses", skillUses);
        context.SetMetric("causal_edges_written", causalEdges);
        context.SetMetric("mean_episode_reward", episodes == 0 ? 0 : Math.Round(rewardSum / episodes, 6));
        context.SetMetric("mean_results_per_read", readsTotal == 0 ? 0 : Math.Round(retrievedTotal / (double)readsTotal, 6));
        context.SetMetric("task_attempts_seen_last_iteration", lastAttempts);
    }
}
