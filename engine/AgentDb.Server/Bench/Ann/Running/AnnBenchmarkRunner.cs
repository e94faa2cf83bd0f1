using System.Diagnostics;
using AgentDb.Server.Bench.Ann.Candidates;
using AgentDb.Server.Bench.Ann.Data;

namespace AgentDb.Server.Bench.Ann.Running;

/// <summary>
/// Measures candidates against one <see cref="AnnWorkload"/>: build time (on the workload's threads, and optionally
/// on one), memory, and for each ef the recall@k and single-thread queries per second. Every candidate's answers are
/// scored by the same <see cref="RecallCalculator"/>, in process or not.
/// </summary>
internal sealed class AnnBenchmarkRunner
{
    /// <summary>Fewest queries run untimed before each timed pass, to warm caches and the JIT.</summary>
    public const int WarmupQueries = 100;

    /// <summary>
    /// Least time spent warming up before each timed pass: tiered compilation promotes the harness's and the
    /// candidate's loops only after a delay, so a count alone under-warms fast candidates on small sets.
    /// </summary>
    public static readonly TimeSpan WarmupTime = TimeSpan.FromMilliseconds(300);

    private readonly AnnWorkload _workload;
    private readonly TextWriter _log;

    /// <summary>A runner for <paramref name="workload"/> that reports progress to <paramref name="log"/>.</summary>
    public AnnBenchmarkRunner(AnnWorkload workload, TextWriter log)
    {
        _workload = workload;
        _log = log;
    }

    /// <summary>Measures an in-process candidate; <paramref name="create"/> makes a fresh, unbuilt instance.</summary>
    public CandidateResult Run(Func<IAnnCandidate> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        double? singleThreadBuild = null;
        if (_workload.MeasureSingleThreadBuild && _workload.Threads > 1)
        {
            using IAnnCandidate first = create();
            singleThreadBuild = TimeBuild(first, 1);
            _log.WriteLine($"{first.Name}: build on 1 thread: {singleThreadBuild:F2} s");
        }

        using IAnnCandidate candidate = create();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        double buildSeconds = TimeBuild(candidate, _workload.Threads);
        long heapGrowth = GC.GetTotalMemory(forceFullCollection: true) - heapBefore;
        _log.WriteLine($"{candidate.Name}: build on {_workload.Threads} threads: {buildSeconds:F2} s");
        if (_workload.MeasureSingleThreadBuild && _workload.Threads == 1)
        {
            singleThreadBuild = buildSeconds;
        }

        long? reported = candidate.MemoryBytes;
        var sweep = new List<SweepPoint>();
        IReadOnlyList<int> efs = candidate.UsesEf ? _workload.EfList : [0];
        foreach (int ef in efs)
        {
            SweepPoint point = MeasureSearch(candidate, ef);
            sweep.Add(point);
            _log.WriteLine($"{candidate.Name}: ef={ef}: recall@{_workload.K} {point.Recall:F4}, {point.QueriesPerSecond:F0} queries/s on 1 thread");
        }

        return new CandidateResult(
            candidate.Name,
            candidate.Detail,
            buildSeconds,
            _workload.Threads,
            singleThreadBuild,
            _workload.Base.Count,
            reported ?? Math.Max(0, heapGrowth),
            reported is null ? "managed heap growth during build" : "reported by the index",
            sweep);
    }

    /// <summary>Measures a peer in another process.</summary>
    /// <exception cref="ExternalCandidateException">The peer failed or answered for the wrong number of queries.</exception>
    public CandidateResult Run(IExternalAnnCandidate candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var request = new ExternalRunRequest(
            _workload.BasePath,
            _workload.QueryPath,
            _workload.Metric,
            _workload.K,
            _workload.EfList,
            _workload.Threads,
            _workload.MeasureSingleThreadBuild,
            Path.Combine(_workload.WorkDirectory, candidate.Name));
        ExternalRunResult result = candidate.Run(request);
        var sweep = new List<SweepPoint>();
        foreach (ExternalSweepRun run in result.Sweep)
        {
            if (run.Found.Rows != _workload.Queries.Count)
            {
                throw new ExternalCandidateException(candidate.Name, $"answered {run.Found.Rows} queries at ef={run.Ef}; {_workload.Queries.Count} were asked.");
            }

            double recall = RecallCalculator.MeanRecall(run.Found, _workload.GroundTruth, _workload.K);
            double qps = run.Seconds > 0 ? _workload.Queries.Count / run.Seconds : double.PositiveInfinity;
            sweep.Add(new SweepPoint(run.Ef, recall, qps, null, null));
            _log.WriteLine($"{candidate.Name}: ef={run.Ef}: recall@{_workload.K} {recall:F4}, {qps:F0} queries/s on 1 thread");
        }

        return new CandidateResult(
            candidate.Name,
            result.Detail,
            result.BuildSeconds,
            _workload.Threads,
            result.BuildSecondsSingleThread,
            _workload.Base.Count,
            result.MemoryBytes,
            result.MemorySource,
            sweep);
    }

    private double TimeBuild(IAnnCandidate candidate, int threads)
    {
        long start = Stopwatch.GetTimestamp();
        candidate.Build(_workload.Base, threads);
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private SweepPoint MeasureSearch(IAnnCandidate candidate, int ef)
    {
        VectorSet queries = _workload.Queries;
        int k = _workload.K;
        var ids = new long[k];
        long warmupStart = Stopwatch.GetTimestamp();
        for (int done = 0; queries.Count > 0 && (done < WarmupQueries || Stopwatch.GetElapsedTime(warmupStart) < WarmupTime); done++)
        {
            candidate.Search(queries.Row(done % queries.Count), k, ef, ids);
        }

        var found = NeighborTable.CreateEmpty(queries.Count, k);
        var latencies = new long[queries.Count];
        long start = Stopwatch.GetTimestamp();
        for (int q = 0; q < queries.Count; q++)
        {
            long before = Stopwatch.GetTimestamp();
            int count = candidate.Search(queries.Row(q), k, ef, ids);
            latencies[q] = Stopwatch.GetTimestamp() - before;
            Span<int> row = found.MutableRow(q);
            for (int i = 0; i < count && i < k; i++)
            {
                row[i] = ids[i] is >= 0 and <= int.MaxValue ? (int)ids[i] : -1;
            }
        }

        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        Array.Sort(latencies);
        double recall = RecallCalculator.MeanRecall(found, _workload.GroundTruth, k);
        double qps = seconds > 0 ? queries.Count / seconds : double.PositiveInfinity;
        return new SweepPoint(ef, recall, qps, PercentileMicros(latencies, 0.50), PercentileMicros(latencies, 0.99));
    }

    private static double? PercentileMicros(long[] sortedTicks, double fraction)
    {
        if (sortedTicks.Length == 0)
        {
            return null;
        }

        long ticks = sortedTicks[(int)Math.Round((sortedTicks.Length - 1) * fraction)];
        return ticks * 1_000_000.0 / Stopwatch.Frequency;
    }
}
