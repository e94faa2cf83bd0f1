using System.Collections.ObjectModel;
using System.Globalization;
using AgentDb.Memory.Reflexion;

namespace AgentDb.Simulation.Stress;

/// <summary>
/// What the stress agents store and ask. Every agent works on one of <see cref="TaskFamilies"/> task families (agent
/// number mod 64), so agents share tasks and cross-session retrievals find each other's episodes. One agent turn is
/// two operations:
/// <list type="number">
/// <item>store the attempt's episode: the agent's session, its task text, an input (~240 characters), an output (~400),
/// a critique (~160), two tags, two metadata entries, a reward and success, and the task's vector plus noise (the
/// vector is supplied, so the server embeds nothing);</item>
/// <item>retrieve the 5 most relevant episodes for the task: by default three turns in four within the agent's own
/// session ("what did I try"), one in four across every session ("what did the others learn"); the share is
/// <see cref="StressOptions.SessionSharePercent"/>, spread over the turns by a hash of the turn number.</item>
/// </list>
/// Vectors are unit length; texts are drawn from a fixed pool so building a request costs little.
/// </summary>
internal sealed class StressWorkload
{
    /// <summary>Distinct tasks the agents share.</summary>
    public const int TaskFamilies = 64;

    /// <summary>Episodes a retrieval asks for.</summary>
    public const int RetrieveK = 5;

    private const float Noise = 0.15f;

    private readonly float[][] _taskVectors;
    private readonly string[] _tasks;
    private readonly string[] _inputs;
    private readonly string[] _outputs;
    private readonly string[] _critiques;
    private readonly IReadOnlyList<string>[] _tags;
    private readonly IReadOnlyDictionary<string, string>[] _metadata;

    /// <summary>Builds the task vectors and texts for <paramref name="dimension"/>-float vectors from <paramref name="seed"/>.</summary>
    public StressWorkload(int dimension, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 2);
        Dimension = dimension;
        var random = new Random(seed);
        _taskVectors = new float[TaskFamilies][];
        _tasks = new string[TaskFamilies];
        _inputs = new string[TaskFamilies];
        _outputs = new string[TaskFamilies];
        _critiques = new string[TaskFamilies];
        _tags = new IReadOnlyList<string>[TaskFamilies];
        _metadata = new IReadOnlyDictionary<string, string>[TaskFamilies];
        for (var f = 0; f < TaskFamilies; f++)
        {
            var vector = new float[dimension];
            for (var i = 0; i < dimension; i++)
            {
                vector[i] = (float)((random.NextDouble() * 2) - 1);
            }
            Normalize(vector);
            _taskVectors[f] = vector;
            var family = f.ToString(CultureInfo.InvariantCulture);
            _tasks[f] = $"task-{family}: triage the incoming support ticket, find the failing component and propose a fix";
            _inputs[f] = Repeat($"ticket {family}: the nightly export job fails with a timeout after the schema change; logs attached. ", 240);
            _outputs[f] = Repeat($"plan {family}: reproduce with the staging snapshot, bisect the migration, add an index on the join column, rerun the export. ", 400);
            _critiques[f] = Repeat($"critique {family}: checked the logs before the schema; should have bisected first. ", 160);
            _tags[f] = new ReadOnlyCollection<string>(["support", $"family-{family}"]);
            _metadata[f] = new ReadOnlyDictionary<string, string>(new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["tool"] = "ticket-triage",
                ["model"] = "agent-v1",
            });
        }
    }

    /// <summary>The vectors' dimension.</summary>
    public int Dimension { get; }

    /// <summary>The task family of <paramref name="agent"/>.</summary>
    public static int FamilyOf(int agent) => agent % TaskFamilies;

    /// <summary>The episode <paramref name="agent"/> stores in its session <paramref name="sessionId"/>.</summary>
    public Episode CreateEpisode(string sessionId, int agent, Random random)
    {
        var family = FamilyOf(agent);
        var success = random.NextDouble() < 0.6;
        return new Episode
        {
            SessionId = sessionId,
            Task = _tasks[family],
            Input = _inputs[family],
            Output = _outputs[family],
            Critique = _critiques[family],
            Reward = success ? 0.5 + (random.NextDouble() * 0.5) : random.NextDouble() * 0.5,
            Success = success,
            LatencyMs = 50 + random.Next(2_000),
            TokensUsed = 200 + random.Next(4_000),
            Tags = _tags[family],
            Metadata = _metadata[family],
            Vector = NoisyVector(family, random),
        };
    }

    /// <summary>The query vector of a retrieval by <paramref name="agent"/>: its task's vector plus noise.</summary>
    public ReadOnlyMemory<float> QueryVector(int agent, Random random) => NoisyVector(FamilyOf(agent), random);

    /// <summary>The retrieval options of the cell's turn <paramref name="turn"/>: scoped to the agent's own session in
    /// <paramref name="sessionSharePercent"/> % of the turns (chosen by a hash of the turn, so the share holds for
    /// every agent whatever the number of agents), across every session otherwise.</summary>
    public static EpisodeRetrievalOptions RetrievalOptions(string sessionId, long turn, int sessionSharePercent) =>
        new() { K = RetrieveK, SessionId = IsSessionScoped(turn, sessionSharePercent) ? sessionId : null };

    /// <summary>Whether turn <paramref name="turn"/> retrieves within the agent's session.</summary>
    internal static bool IsSessionScoped(long turn, int sessionSharePercent) =>
        (int)((((ulong)turn * 0x9E3779B97F4A7C15UL) >> 32) % 100) < sessionSharePercent;

    private float[] NoisyVector(int family, Random random)
    {
        var basis = _taskVectors[family];
        var vector = new float[Dimension];
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = basis[i] + (Noise * (float)((random.NextDouble() * 2) - 1));
        }
        Normalize(vector);
        return vector;
    }

    private static void Normalize(float[] vector)
    {
        double sum = 0;
        foreach (var v in vector)
        {
            sum += v * v;
        }
        var scale = (float)(1 / Math.Sqrt(sum));
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] *= scale;
        }
    }

    private static string Repeat(string text, int length)
    {
        var builder = new System.Text.StringBuilder(length + text.Length);
        while (builder.Length < length)
        {
            builder.Append(text);
        }
        return builder.ToString(0, length);
    }
}
