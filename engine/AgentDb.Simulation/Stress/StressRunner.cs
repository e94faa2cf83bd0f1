using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using AgentDb.Client;
using AgentDb.Simulation.Scenarios;
using AgentDb.Simulation.Targets;

namespace AgentDb.Simulation.Stress;

/// <summary>
/// Runs the stress matrix: for each number of agents (rows) and concurrency (columns), a cell in which
/// <c>concurrency</c> workers take agent turns round-robin over the agents (turn n belongs to agent n mod agents; an
/// agent may have several turns in flight when there are fewer agents than workers) until the cell's time or operation
/// budget is spent; operations in flight then finish and are counted. A turn is the workload's store then retrieve
/// (<see cref="StressWorkload"/>). Each cell's agents have sessions of their own (<c>c{cell}-a{agent}</c>), so every
/// cell starts with empty sessions, while the database keeps growing over the run. A failed operation is counted by
/// kind and the agent carries on.
/// </summary>
internal sealed class StressRunner
{
    private readonly StressOptions _options;
    private readonly Func<int, CancellationToken, Task<IMemoryTarget>> _openTarget;
    private readonly ProcessProbe? _probe;
    private readonly StressWorkload _workload;
    private readonly ConcurrentQueue<StoredEpisodeRef> _stored = new();

    /// <summary>Creates a runner.</summary>
    /// <param name="options">The matrix and budgets.</param>
    /// <param name="openTarget">Opens the memory for a cell given its concurrency (e.g. a client pool with that many
    /// connections); the runner disposes it at the end of the cell.</param>
    /// <param name="probe">The process whose memory and CPU each cell reports; null for none.</param>
    public StressRunner(StressOptions options, Func<int, CancellationToken, Task<IMemoryTarget>> openTarget, ProcessProbe? probe)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(openTarget);
        _options = options;
        _openTarget = openTarget;
        _probe = probe;
        _workload = new StressWorkload(options.Dimension, options.Seed);
    }

    /// <summary>Every episode stored so far, when <see cref="StressOptions.RecordStoredEpisodes"/> is set.</summary>
    public IReadOnlyCollection<StoredEpisodeRef> StoredEpisodes => _stored;

    /// <summary>The session of <paramref name="agent"/> in cell <paramref name="cell"/>.</summary>
    public static string SessionOf(int cell, int agent) =>
        string.Create(CultureInfo.InvariantCulture, $"c{cell}-a{agent}");

    /// <summary>Runs every cell, agents in the outer loop.</summary>
    /// <param name="cellDone">Called after each cell (for progress output); may be null.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public async Task<IReadOnlyList<StressCellResult>> RunAsync(Action<StressCellResult>? cellDone, CancellationToken cancellationToken)
    {
        var results = new List<StressCellResult>(_options.Agents.Count * _options.Concurrency.Count);
        var cell = 0;
        foreach (var agents in _options.Agents)
        {
            foreach (var concurrency in _options.Concurrency)
            {
                var result = await RunCellAsync(cell++, agents, concurrency, cancellationToken).ConfigureAwait(false);
                results.Add(result);
                cellDone?.Invoke(result);
            }
        }
        return results;
    }

    /// <summary>Runs one cell.</summary>
    public async Task<StressCellResult> RunCellAsync(int cell, int agents, int concurrency, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(agents, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        var sessions = new string[agents];
        for (var a = 0; a < agents; a++)
        {
            sessions[a] = SessionOf(cell, a);
        }
        var all = new OperationStats("all");
        var stores = new OperationStats("store_episode");
        var retrievals = new OperationStats("retrieve_relevant");
        // A turn is two operations: the operation budget becomes a turn budget.
        var maxTurns = _options.MaxOperationsPerCell is { } maxOperations ? (maxOperations + 1) / 2 : long.MaxValue;

        var target = await _openTarget(concurrency, cancellationToken).ConfigureAwait(false);
        await using (target.ConfigureAwait(false))
        {
            var cpuBefore = _probe?.CpuTime();
            var start = Stopwatch.GetTimestamp();
            var deadline = start + (long)(_options.CellDuration.TotalSeconds * Stopwatch.Frequency);
            var cellState = new CellState(target, sessions, maxTurns, deadline, all, stores, retrievals);
            var workers = new Task[concurrency];
            for (var w = 0; w < workers.Length; w++)
            {
                var random = new Random(HashCode.Combine(_options.Seed, cell, w));
                workers[w] = Task.Run(() => WorkerAsync(cellState, random, cancellationToken), cancellationToken);
            }
            await Task.WhenAll(workers).ConfigureAwait(false);
            var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            var cpuAfter = _probe?.CpuTime();

            var errors = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var stats in (OperationStats[])[stores, retrievals])
            {
                foreach (var (kind, count) in stats.Errors)
                {
                    errors[$"{stats.Name}:{kind}"] = count;
                }
            }
            return new StressCellResult
            {
                Agents = agents,
                Concurrency = concurrency,
                Seconds = seconds,
                Operations = all.Successes + all.Failures,
                Successes = all.Successes,
                Failures = all.Failures,
                EpisodesStored = stores.Successes,
                Throughput = seconds > 0 ? all.Successes / seconds : 0,
                P50Ms = all.PercentileMs(0.5),
                P99Ms = all.PercentileMs(0.99),
                StoreP99Ms = stores.PercentileMs(0.99),
                RetrieveP99Ms = retrievals.PercentileMs(0.99),
                Errors = errors,
                RssBytes = _probe?.ResidentBytes(),
                CpuSeconds = cpuBefore is { } before && cpuAfter is { } after ? (after - before).TotalSeconds : null,
            };
        }
    }

    private async Task WorkerAsync(CellState cell, Random random, CancellationToken cancellationToken)
    {
        var agents = cell.Sessions.Length;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var turn = Interlocked.Increment(ref cell.NextTurn) - 1;
            if (turn >= cell.MaxTurns || Stopwatch.GetTimestamp() >= cell.Deadline)
            {
                return;
            }
            var agent = (int)(turn % agents);
            var session = cell.Sessions[agent];

            var episode = _workload.CreateEpisode(session, agent, random);
            var start = Stopwatch.GetTimestamp();
            try
            {
                var id = await cell.Target.StoreEpisodeAsync(episode, cancellationToken).ConfigureAwait(false);
                Record(cell.All, cell.Stores, start, null);
                if (_options.RecordStoredEpisodes)
                {
                    _stored.Enqueue(new StoredEpisodeRef(id, session));
                }
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                Record(cell.All, cell.Stores, start, ErrorKind(e));
            }

            var query = _workload.QueryVector(agent, random);
            start = Stopwatch.GetTimestamp();
            try
            {
                await cell.Target.RetrieveRelevantAsync(query, StressWorkload.RetrievalOptions(session, turn, _options.SessionSharePercent), cancellationToken)
                    .ConfigureAwait(false);
                Record(cell.All, cell.Retrievals, start, null);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                Record(cell.All, cell.Retrievals, start, ErrorKind(e));
            }
        }
    }

    private static void Record(OperationStats all, OperationStats kind, long start, string? error)
    {
        var ticks = Stopwatch.GetTimestamp() - start;
        if (error is null)
        {
            all.RecordSuccess(ticks);
            kind.RecordSuccess(ticks);
        }
        else
        {
            all.RecordFailure(ticks, error);
            kind.RecordFailure(ticks, error);
        }
    }

    /// <summary>A server error by its code (BUSY, TIMEOUT, ...), anything else by its exception type.</summary>
    internal static string ErrorKind(Exception e) => e switch
    {
        AgentDbException server => server.Code.ToString(),
        _ => e.GetType().Name,
    };

    private sealed class CellState(
        IMemoryTarget target, string[] sessions, long maxTurns, long deadline, OperationStats all, OperationStats stores,
        OperationStats retrievals)
    {
        public readonly IMemoryTarget Target = target;
        public readonly string[] Sessions = sessions;
        public readonly long MaxTurns = maxTurns;
        public readonly long Deadline = deadline;
        public readonly OperationStats All = all;
        public readonly OperationStats Stores = stores;
        public readonly OperationStats Retrievals = retrievals;
        public long NextTurn;
    }
}
