using System.Globalization;
using AgentDb.Memory.Reflexion;

namespace AgentDb.Simulation.Scenarios.ReflexionLearning;

/// <summary>
/// <c>reflexion-learning</c>: agents attempt tasks and learn from their memory. Each task has one good strategy out of
/// <see cref="StrategyCount"/> (hidden, drawn from the seed); an attempt retrieves the task's past episodes
/// (RetrieveRelevant), reads their rewards and critiques, and chooses: the strategy of the best past episode when it
/// succeeded, else the first strategy (from a random starting point) that no critique has marked as failing. The attempt
/// is stored as an episode with its reward and critique. Reward per iteration is the series "reward"; "improvement" is
/// the last iteration's mean reward minus the first's. A control run (<c>useMemory: false</c>) stores the same
/// episodes but never retrieves and picks at random, with the same random draws.
/// </summary>
/// <remarks>An iteration retrieves (all agents) before it stores (all agents), and an episode's vector lies nearer its
/// task the higher its reward (plus seeded noise, so no two are at the same distance): what an attempt retrieves does not
/// depend on how parallel agents interleave.</remarks>
public sealed class ReflexionLearningScenario : ISimulationScenario
{
    /// <summary>Strategies per task.</summary>
    public const int StrategyCount = 5;

    /// <summary>Distinct tasks.</summary>
    public const int TaskCount = 5;

    /// <summary>Past episodes an attempt retrieves.</summary>
    public const int RetrieveK = 20;

    /// <summary>The reward from which an attempt counts as a success.</summary>
    public const double SuccessThreshold = 0.7;

    private const string StrategyKey = "strategy";
    private const string FailingMark = "try another strategy";

    private readonly bool _useMemory;

    /// <summary>Creates the scenario; <paramref name="useMemory"/> false gives the no-memory control.</summary>
    public ReflexionLearningScenario(bool useMemory = true) => _useMemory = useMemory;

    /// <inheritdoc />
    public string Name => "reflexion-learning";

    /// <inheritdoc />
    public string Description => "agents retrieve past episodes' rewards and critiques to pick better strategies; reward per iteration";

    /// <inheritdoc />
    public int DefaultSwarmSize => 5;

    /// <summary>The id of the episode agent <paramref name="agent"/> stores in <paramref name="iteration"/>.</summary>
    public static string EpisodeId(int seed, int agent, int iteration) =>
        string.Create(CultureInfo.InvariantCulture, $"reflexion-s{seed}-a{agent}-i{iteration}");

    /// <inheritdoc />
    public async Task RunAsync(ScenarioContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var memory = context.Memory;
        int agents = context.SwarmSize;
        int iterations = context.Options.Iterations;
        int seed = context.Options.Seed;

        // The world: task vectors and each task's strategy qualities (one good strategy per task).
        var world = context.CreateRandom(-1);
        var taskVectors = new float[TaskCount][];
        var quality = new double[TaskCount, StrategyCount];
        var taskNames = new string[TaskCount];
        for (int t = 0; t < TaskCount; t++)
        {
            taskNames[t] = string.Create(CultureInfo.InvariantCulture, $"reflexion-s{seed}-task-{t}");
            taskVectors[t] = SimulationVectors.Unit(world, memory.Dimension);
            int good = world.Next(StrategyCount);
            for (int s = 0; s < StrategyCount; s++)
            {
                quality[t, s] = s == good ? 0.85 + 0.1 * world.NextDouble() : 0.15 + 0.45 * world.NextDouble();
            }
        }

        var random = new Random[agents];
        for (int a = 0; a < agents; a++)
        {
            random[a] = context.CreateRandom(a);
        }
        var attempts = new Episode[agents];
        var rewards = new double[agents];
        double firstReward = 0, lastReward = 0, rewardSum = 0, lastSuccessRate = 0;
        long episodes = 0, retrievals = 0, exploited = 0;
        var exploitedBy = new bool[agents];

        for (int iteration = 0; iteration < iterations; iteration++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int i = iteration;

            // Attempt phase: retrieve, choose, act (nothing is written yet).
            await context.ForEachAgentAsync(agents, async (a, ct) =>
            {
                var rng = random[a];
                int task = (a + i) % TaskCount;
                int explore = rng.Next(StrategyCount);
                double noise = rng.NextDouble();
                int strategy = explore;
                exploitedBy[a] = false;
                if (_useMemory)
                {
                    var matches = await context.MeasureAsync("retrieve_past_episodes", () => memory.RetrieveRelevantAsync(
                        taskVectors[task], new EpisodeRetrievalOptions { K = RetrieveK }, ct)).ConfigureAwait(false);
                    strategy = Choose(matches, taskNames[task], explore, out exploitedBy[a]);
                }
                double reward = Math.Round(Math.Clamp(quality[task, strategy] + (noise - 0.5) * 0.1, 0, 1), 4);
                bool success = reward >= SuccessThreshold;
                rewards[a] = reward;
                attempts[a] = new Episode
                {
                    Id = EpisodeId(seed, a, i),
                    SessionId = string.Create(CultureInfo.InvariantCulture, $"reflexion-s{seed}-agent-{a}"),
                    Task = taskNames[task],
                    Input = "attempt",
                    Output = string.Create(CultureInfo.InvariantCulture, $"used strategy {strategy}"),
                    Critique = success
                        ? string.Create(CultureInfo.InvariantCulture, $"strategy {strategy} solved the task (reward {reward:F2}); reuse it")
                        : string.Create(CultureInfo.InvariantCulture, $"strategy {strategy} fell short (reward {reward:F2}); {FailingMark}"),
                    Reward = reward,
                    Success = success,
                    LatencyMs = 1 + rng.Next(100),
                    Metadata = new Dictionary<string, string>(StringComparer.Ordinal)
                    {
                        [StrategyKey] = strategy.ToString(CultureInfo.InvariantCulture),
                    },
                    // Better attempts lie nearer the task, so retrieval surfaces them first.
                    Vector = SimulationVectors.Near(taskVectors[task], 0.05 + 0.5 * (1 - reward), rng),
                };
            }, cancellationToken).ConfigureAwait(false);

            // Store phase.
            if (context.Options.Optimize)
            {
                await EpisodeBatches.StoreAsync(context, "store_episodes_batch", attempts, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await context.ForEachAgentAsync(agents, async (a, ct) =>
                    await context.MeasureAsync("store_episode", () => memory.StoreEpisodeAsync(attempts[a], ct)).ConfigureAwait(false),
                    cancellationToken).ConfigureAwait(false);
            }

            double sum = 0;
            int successes = 0;
            for (int a = 0; a < agents; a++)
            {
                sum += rewards[a];
                successes += rewards[a] >= SuccessThreshold ? 1 : 0;
                exploited += exploitedBy[a] ? 1 : 0;
            }
            episodes += agents;
            retrievals += _useMemory ? agents : 0;
            rewardSum += sum;
            double mean = Math.Round(sum / agents, 6);
            lastSuccessRate = Math.Round(successes / (double)agents, 6);
            if (i == 0)
            {
                firstReward = mean;
            }
            lastReward = mean;
            context.AddPoint("reward", i + 1, mean);
            context.AddPoint("success_rate", i + 1, lastSuccessRate);
            context.Progress?.Report((i + 1) / (double)iterations);
        }

        context.SetMetric("agents", agents);
        context.SetMetric("uses_memory", _useMemory ? 1 : 0);
        context.SetMetric("episodes_stored", episodes);
        context.SetMetric("retrievals", retrievals);
        context.SetMetric("first_iteration_reward", firstReward);
        context.SetMetric("last_iteration_reward", lastReward);
        context.SetMetric("improvement", Math.Round(lastReward - firstReward, 6));
        context.SetMetric("mean_reward", episodes == 0 ? 0 : Math.Round(rewardSum / episodes, 6));
        context.SetMetric("last_iteration_success_rate", lastSuccessRate);
        context.SetMetric("attempts_reusing_a_success", exploited);
    }

    /// <summary>The learning rule: reuse the strategy of the best retrieved success; else the first strategy from
    /// <paramref name="explore"/> on that no retrieved critique marks as failing; else the best retrieved one.</summary>
    internal static int Choose(IReadOnlyList<EpisodeMatch> matches, string task, int explore, out bool reused)
    {
        reused = false;
        Span<bool> failing = stackalloc bool[StrategyCount];
        int best = -1;
        double bestReward = double.NegativeInfinity;
        for (int m = 0; m < matches.Count; m++)
        {
            var episode = matches[m].Episode;
            if (!string.Equals(episode.Task, task, StringComparison.Ordinal)
                || !episode.Metadata.TryGetValue(StrategyKey, out var text)
                || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int strategy)
                || strategy >= StrategyCount)
            {
                continue;
            }
            if (episode.Critique is { } critique && critique.Contains(FailingMark, StringComparison.Ordinal))
            {
                failing[strategy] = true;
            }
            if (episode.Reward > bestReward || (episode.Reward == bestReward && strategy < best))
            {
                bestReward = episode.Reward;
                best = strategy;
            }
        }
        if (best < 0)
        {
            return explore;
        }
        if (bestReward >= SuccessThreshold)
        {
            reused = true;
            return best;
        }
        for (int j = 0; j < StrategyCount; j++)
        {
            int candidate = (explore + j) % StrategyCount;
            if (!failing[candidate])
            {
                return candidate;
            }
        }
        return best;
    }
}
