using System.Diagnostics;
using AgentDb.Engine.Tests.Support;
using AgentDb.Log;
using Xunit.Abstractions;

namespace AgentDb.Engine.Tests.Storage;

/// <summary>
/// A child process (tests/AgentDb.CrashWriter) writes in Sync mode and prints every acknowledged write; the test kills it
/// with SIGKILL at random moments, reopens the database and checks that nothing acknowledged was lost, that no batch
/// is half applied and that every record's vector is found by search.
/// </summary>
public sealed class CrashRecoveryTests
{
    private const int Cycles = 20;
    private const int BatchSize = 5;
    private const int Dimension = 8;
    private readonly ITestOutputHelper _output;

    public CrashRecoveryTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public void SigKillAtRandomMoments_LosesNoAcknowledgedWrite_AndLeavesNoBatchHalfApplied()
    {
        using var dir = new TempDirectory("agentdb-crash");
        var singles = new HashSet<string>(StringComparer.Ordinal);
        var batches = new HashSet<string>(StringComparer.Ordinal);
        var random = new Random(20_261_127);
        var total = Stopwatch.StartNew();
        int killedBeforeReady = 0;
        // bench/crash-soak.sh raises both bounds for a long soak; the suite runs the defaults.
        int cycles = PositiveFromEnvironment("AGENTDB_CRASH_CYCLES", Cycles);
        TimeSpan budget = TimeSpan.FromSeconds(PositiveFromEnvironment("AGENTDB_CRASH_SECONDS", 70));
        int cycle = 0;
        for (; cycle < cycles && total.Elapsed < budget; cycle++)
        {
            bool early = random.Next(5) == 0; // one cycle in five dies while opening or replaying
            int delayMs = early ? random.Next(0, 250) : random.Next(50, 700);
            List<string> lines = RunAndKill(dir.Path, $"c{cycle}-", disableStoreWal: cycle % 2 == 0, durabilityNone: false, early, delayMs, out bool sawReady);
            if (!sawReady)
            {
                killedBeforeReady++;
            }

            foreach (string line in lines)
            {
                if (line.StartsWith("S ", StringComparison.Ordinal))
                {
                    singles.Add(line[2..]);
                }
                else if (line.StartsWith("B ", StringComparison.Ordinal))
                {
                    batches.Add(line[2..]);
                }
            }

            VerifyDatabase(dir.Path, singles, batches, searchAll: false);
        }

        VerifyDatabase(dir.Path, singles, batches, searchAll: true);
        _output.WriteLine($"{cycle} kills ({killedBeforeReady} before READY), {singles.Count} single and {batches.Count} batch acknowledgements verified in {total.Elapsed.TotalSeconds:F1} s.");
        Assert.True(singles.Count > 0 && batches.Count > 0, "the writer acknowledged nothing");
        Assert.True(cycle >= Math.Min(cycles, Cycles), $"only {cycle} kill cycles ran within {budget}; the suite promises at least {Cycles}");
    }

    private static int PositiveFromEnvironment(string name, int fallback)
    {
        string? text = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        Assert.True(int.TryParse(text, out int value) && value > 0, $"{name}='{text}' is not a positive whole number");
        return value;
    }

    /// <summary>
    /// None mode may lose acknowledged writes, but what survives must be consistent: whole batches only, a prefix of
    /// the acknowledged order, LSNs that keep going up (the record store may be ahead of the log), every vector searchable.
    /// </summary>
    [Fact]
    public void SigKillInNoneMode_KeepsAConsistentPrefix_AndTheDatabaseReopens()
    {
        using var dir = new TempDirectory("agentdb-crash-none");
        var random = new Random(7);
        for (int cycle = 0; cycle < 3; cycle++)
        {
            var acknowledged = new List<string>(); // a prefix holds between two crashes, so per cycle
            List<string> lines = RunAndKill(dir.Path, $"n{cycle}-", disableStoreWal: cycle % 2 == 1, durabilityNone: true, killEarly: false, random.Next(50, 200), out _);
            foreach (string line in lines)
            {
                if (line.StartsWith("S ", StringComparison.Ordinal))
                {
                    acknowledged.Add(line[2..]);
                }
            }

            using var db = AgentDatabase.Open(dir.Path, new AgentDatabaseOptions { LogPageSizeBits = 20, LogMemorySizeBits = 22, MaxPayloadBytes = 64 * 1024 });
            int lastPresent = -1;
            for (int i = 0; i < acknowledged.Count; i++)
            {
                if (db.Get("crash", acknowledged[i]) is not null)
                {
                    lastPresent = i;
                }
            }

            for (int i = 0; i < lastPresent; i++)
            {
                Assert.True(db.Get("crash", acknowledged[i]) is not null, $"'{acknowledged[i]}' is missing although the later '{acknowledged[lastPresent]}' survived");
            }

            long before = db.GetStats().AppliedLsn;
            Assert.True(db.Upsert("crash", $"probe-{cycle}", [0x80], CrashVectors.For($"probe-{cycle}")) > before);
        }

        VerifyDatabase(dir.Path, [], [], searchAll: true);
    }

    /// <summary>
    /// The writer checkpoints every few dozen writes with a low HNSW threshold, so kills land before, during and after
    /// segment writes: every reopen must index exactly the stored records, each findable by its own vector, whether the
    /// segments were loaded and caught up or refused and rebuilt.
    /// </summary>
    [Fact]
    public void SigKillAroundCheckpointsWithSegments_KeepsTheIndexEqualToTheRecords()
    {
        using var dir = new TempDirectory("agentdb-crash-segments");
        var singles = new HashSet<string>(StringComparer.Ordinal);
        var random = new Random(4);
        long fromSegments = 0;
        var options = new AgentDatabaseOptions { LogPageSizeBits = 20, LogMemorySizeBits = 22, MaxPayloadBytes = 64 * 1024, HnswThreshold = 150 };
        for (int cycle = 0; cycle < 8; cycle++)
        {
            List<string> lines = RunAndKill(dir.Path, $"g{cycle}-", disableStoreWal: cycle % 2 == 0, durabilityNone: false, killEarly: false, random.Next(100, 900), out _, hnswThreshold: 150, checkpointEvery: 37);
            foreach (string line in lines)
            {
                if (line.StartsWith("S ", StringComparison.Ordinal))
                {
                    singles.Add(line[2..]);
                }
            }

            using var db = AgentDatabase.Open(dir.Path, options);
            CollectionStats stats = Assert.Single(db.GetStats().Collections);
            fromSegments += stats.VectorsFromSegments;
            Assert.Equal(db.Count("crash"), stats.IndexedVectors);
            // Every acknowledged record is its own nearest neighbour at k = 10. (Misses seen here before came from
            // parallel linking that let inserts reach a half-linked node: see GraphLinker's remarks and
            // HnswIndexConcurrencyTests.Add_BesideANodeHalfwayThroughItsInsert_LinksToTheTrueNearestNeighbours.)
            int count = (int)db.Count("crash");
            var missed = new List<string>();
            foreach (string id in singles)
            {
                StoredRecord? record = db.Get("crash", id);
                Assert.True(record is not null, $"acknowledged upsert '{id}' was lost");
                if (!db.Search("crash", record.Vector!, 10).Any(hit => hit.Distance == 0f && hit.Record.Vector!.SequenceEqual(record.Vector!)))
                {
                    bool indexed = db.Search("crash", record.Vector!, Math.Min(count, AgentDatabase.MaxSearchResults)).Any(hit => hit.Record.Id == id);
                    missed.Add($"{id} ({(indexed ? "in the index" : "not in the index")})");
                }
            }

            Assert.True(missed.Count == 0, $"cycle {cycle}: {missed.Count} of {singles.Count} self-searches at k = 10 missed their record: {string.Join(", ", missed)}");
        }

        Assert.True(fromSegments > 0, "no reopen loaded segments: the test did not exercise them");
    }

    private static List<string> RunAndKill(string databasePath, string prefix, bool disableStoreWal, bool durabilityNone, bool killEarly, int delayMs, out bool sawReady, int hnswThreshold = 0, int checkpointEvery = 0)
    {
        string writer = Path.Combine(AppContext.BaseDirectory, "AgentDb.CrashWriter.dll");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(writer);
        start.ArgumentList.Add(databasePath);
        start.ArgumentList.Add(prefix);
        start.ArgumentList.Add(disableStoreWal ? "1" : "0");
        start.ArgumentList.Add(durabilityNone ? "none" : "sync");
        if (hnswThreshold > 0)
        {
            start.ArgumentList.Add(hnswThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture));
            start.ArgumentList.Add(checkpointEvery.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var lines = new List<string>();
        using var ready = new ManualResetEventSlim(false);
        var errors = new List<string>();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (lines)
            {
                lines.Add(e.Data);
            }

            if (e.Data == "READY")
            {
                ready.Set();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (errors)
                {
                    errors.Add(e.Data);
                }
            }
        };

        try
        {
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (!killEarly)
            {
                Assert.True(ready.Wait(TimeSpan.FromSeconds(30)), "the writer did not become ready: " + string.Join('\n', errors));

                // The writer holds the directory: a second process must be refused, naming the directory.
                DatabaseLockedException locked = Assert.Throws<DatabaseLockedException>(() => AgentDatabase.Open(databasePath));
                Assert.Equal(Path.GetFullPath(databasePath), locked.Directory);
            }

            Thread.Sleep(delayMs);
            Assert.False(process.HasExited, "the writer exited before the kill: " + string.Join('\n', errors));
            process.Kill(); // SIGKILL on Linux
            Assert.True(process.WaitForExit(10_000));
            process.WaitForExit(); // drains the redirected output
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        sawReady = ready.IsSet;
        lock (lines)
        {
            return new List<string>(lines);
        }
    }

    private static void VerifyDatabase(string path, HashSet<string> singles, HashSet<string> batches, bool searchAll)
    {
        using var db = AgentDatabase.Open(path, new AgentDatabaseOptions { LogPageSizeBits = 20, LogMemorySizeBits = 22, MaxPayloadBytes = 64 * 1024 });
        if (!db.ListCollections().Any(c => c.Name == "crash"))
        {
            Assert.Empty(singles); // killed before the collection was created
            return;
        }

        foreach (string id in singles)
        {
            StoredRecord? record = db.Get("crash", id);
            Assert.True(record is not null, $"acknowledged upsert '{id}' was lost");
            Assert.Equal(CrashVectors.For(id), record.Vector);
        }

        foreach (string batch in batches)
        {
            for (int j = 0; j < BatchSize; j++)
            {
                Assert.True(db.Get("crash", $"{batch}-{j}") is not null, $"acknowledged batch '{batch}' lost record {j}");
            }
        }

        var all = new List<StoredRecord>();
        string? from = null;
        while (true)
        {
            IReadOnlyList<StoredRecord> page = db.ScanRange("crash", from, null, 50_000);
            all.AddRange(page);
            if (page.Count < 50_000)
            {
                break;
            }

            from = page[^1].Id + "\0";
        }

        Assert.Equal(all.Count, db.Count("crash"));
        var batchCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (StoredRecord record in all)
        {
            int dash = record.Id.LastIndexOf('-');
            if (dash > 0 && record.Id.AsSpan(0, dash).Contains('b') && !record.Id.StartsWith("probe", StringComparison.Ordinal))
            {
                string batch = record.Id[..dash];
                batchCounts[batch] = batchCounts.GetValueOrDefault(batch) + 1;
            }
        }

        foreach ((string batch, int count) in batchCounts)
        {
            Assert.True(count == BatchSize, $"batch '{batch}' is half applied: {count} of {BatchSize} records");
        }

        if (searchAll)
        {
            int step = Math.Max(1, all.Count / 2_000); // every record up to 2000, an even sample beyond
            for (int i = 0; i < all.Count; i += step)
            {
                StoredRecord record = all[i];
                SearchResult hit = Assert.Single(db.Search("crash", record.Vector!, 1));
                Assert.Equal(0f, hit.Distance);
                Assert.Equal(record.Vector, hit.Record.Vector); // the record itself, or one with an identical vector
            }
        }
    }
}
