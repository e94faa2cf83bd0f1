using AgentDb.Memory.Provenance;
using AgentDb.Memory.Reflexion;
using AgentDb.Memory.Skills;
using AgentDb.Memory.Stores;
using AgentDb.Memory.Tests.Reflexion;
using MessagePack;

namespace AgentDb.Memory.Tests.Skills;

public sealed class SkillLibraryTests
{
    private static Skill NewSkill(string name, double degrees, double successRate = 0.5, long uses = 0) => new()
    {
        Name = name,
        Description = "does " + name,
        Signature = name + "(x)",
        Code = "return x;",
        SuccessRate = successRate,
        Uses = uses,
        Vector = MemoryHarness.Angle(degrees),
    };

    private static string[] Names(SkillSearchResult result) => result.Matches.Select(m => m.Skill.Name).ToArray();

    [Fact]
    public void CreateSkill_RefusesAnExistingName_UpsertReplaces()
    {
        using var h = new MemoryHarness();
        h.Skills.CreateSkill(NewSkill("parse", 0) with { Code = "v1" });

        SkillAlreadyExistsException error = Assert.Throws<SkillAlreadyExistsException>(() => h.Skills.CreateSkill(NewSkill("parse", 0) with { Code = "v2" }));
        Assert.Equal("parse", error.Name);
        Assert.Equal("v1", h.Skills.GetSkill("parse")!.Code);

        h.Skills.UpsertSkill(NewSkill("parse", 0) with { Code = "v2" });
        Skill stored = h.Skills.GetSkill("parse")!;
        Assert.Equal("v2", stored.Code);
        Assert.Equal("parse(x)", stored.Signature);
        Assert.Null(stored.SourceTask);
        Assert.True(stored.CreatedUnixMs > 0);
        Assert.Null(h.Skills.GetSkill("missing"));
    }

    [Fact]
    public void CreateSkill_EmbedsNameAndDescriptionWhenNoVectorIsGiven()
    {
        using var h = new MemoryHarness();
        h.Skills.CreateSkill(new Skill { Name = "csv", Description = "parse a csv file" });
        h.Skills.CreateSkill(new Skill { Name = "deploy", Description = "deploy the web server" });

        SkillSearchResult result = h.Skills.SearchSkills("csv parse a csv file", new SkillSearchOptions { K = 2 });

        Assert.Equal(["csv", "deploy"], Names(result));
        Assert.Equal(1f, result.Matches[0].Similarity, 4);
    }

    [Fact]
    public void RecordUse_KeepsRunningMeans()
    {
        using var h = new MemoryHarness();
        h.Skills.CreateSkill(NewSkill("s", 0, successRate: 0, uses: 0));

        h.Skills.RecordUse("s", success: true, reward: 1.0, latencyMs: 100);
        h.Skills.RecordUse("s", success: false, reward: 0.0, latencyMs: 300);
        Skill after = h.Skills.RecordUse("s", success: true, reward: 0.5, latencyMs: 200);

        Assert.Equal(3, after.Uses);
        Assert.Equal(2.0 / 3, after.SuccessRate, 12);
        Assert.Equal(0.5, after.AverageReward, 12);
        Assert.Equal(200, after.AverageLatencyMs, 12);
        Assert.Equal(after.Uses, h.Skills.GetSkill("s")!.Uses);

        // From existing statistics: 4 uses at 0.5 success, reward 0.2, 50 ms; one success at reward 0.7, 100 ms.
        h.Skills.CreateSkill(NewSkill("t", 10, successRate: 0.5, uses: 4) with { AverageReward = 0.2, AverageLatencyMs = 50 });
        Skill t = h.Skills.RecordUse("t", success: true, reward: 0.7, latencyMs: 100);
        Assert.Equal(5, t.Uses);
        Assert.Equal(0.6, t.SuccessRate, 12);
        Assert.Equal(0.3, t.AverageReward, 12);
        Assert.Equal(60, t.AverageLatencyMs, 12);
        Assert.Equal(NewSkill("t", 10).Vector.ToArray(), t.Vector.ToArray()); // the vector is kept
    }

    [Fact]
    public void RecordUse_ConcurrentCallsForOneSkillLoseNoUpdate()
    {
        using var h = new MemoryHarness();
        h.Skills.CreateSkill(NewSkill("hot", 0, successRate: 0, uses: 0));
        const int threads = 8;
        const int perThread = 40;

        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            for (int i = 0; i < perThread; i++)
            {
                // Thread t succeeds on even i; reward is 1 on success; latency t.
                h.Skills.RecordUse("hot", success: i % 2 == 0, reward: i % 2 == 0 ? 1 : 0, latencyMs: t);
            }
        });

        Skill skill = h.Skills.GetSkill("hot")!;
        Assert.Equal(threads * perThread, skill.Uses);
        Assert.Equal(0.5, skill.SuccessRate, 9);
        Assert.Equal(0.5, skill.AverageReward, 9);
        Assert.Equal(3.5, skill.AverageLatencyMs, 9); // mean of 0..7
    }

    [Fact]
    public void Search_RanksFiltersBySuccessRateAndCertifies()
    {
        using var h = new MemoryHarness();
        h.Skills.CreateSkill(NewSkill("s0", 0, successRate: 0.2));
        h.Skills.CreateSkill(NewSkill("s10", 10, successRate: 0.9));
        h.Skills.CreateSkill(NewSkill("s20", 20, successRate: 0.5));
        h.Skills.CreateSkill(NewSkill("s30", 30, successRate: 0.95));
        float[] query = MemoryHarness.Angle(0);

        Assert.Equal(["s0", "s10", "s20"], Names(h.Skills.SearchSkills(query, new SkillSearchOptions { K = 3 })));
        SkillSearchResult filtered = h.Skills.SearchSkills(query, new SkillSearchOptions { K = 2, MinSuccessRate = 0.8, WithCertificate = true });
        Assert.Equal(["s10", "s30"], Names(filtered));
        Assert.Equal(["s10", "s30"], filtered.Certificate!.Items.Select(i => i.Id));
        Assert.True(filtered.Certificate.Verify(h.Stores).IsValid);

        // Tamper with s30's payload directly in the store: the certificate no longer verifies.
        AgentDatabase store = h.Stores.Store(MemoryKind.Skills);
        StoredRecord original = store.Get(SkillLibrary.Collection, "s30")!;
        var payload = MessagePackSerializer.Deserialize<Dictionary<string, object?>>(original.Payload);
        payload["code"] = "rm -rf /";
        store.Upsert(SkillLibrary.Collection, "s30", MessagePackSerializer.Serialize(payload), original.Vector);
        CertificateVerification verification = filtered.Certificate.Verify(h.Stores);
        Assert.False(verification.IsValid);
        Assert.Contains(verification.Problems, p => p.Contains("/s30:", StringComparison.Ordinal));
    }

    [Fact]
    public void Search_AfterAWrite_SeesIt()
    {
        using var h = new MemoryHarness();
        h.Skills.CreateSkill(NewSkill("far", 40));
        float[] query = MemoryHarness.Angle(0);
        Assert.Equal(["far"], Names(h.Skills.SearchSkills(query, new SkillSearchOptions { K = 1 })));
        Assert.Equal(["far"], Names(h.Skills.SearchSkills(query, new SkillSearchOptions { K = 1 })));
        long hits = h.Cache.Hits;
        Assert.True(hits >= 1);

        h.Skills.CreateSkill(NewSkill("near", 1));
        Assert.Equal(["near"], Names(h.Skills.SearchSkills(query, new SkillSearchOptions { K = 1 })));

        // RecordUse invalidates too: the success-rate filter sees the new rate.
        Assert.Empty(h.Skills.SearchSkills(query, new SkillSearchOptions { K = 1, MinSuccessRate = 0.6 }).Matches);
        h.Skills.RecordUse("near", success: true, reward: 1, latencyMs: 1); // 0 uses at 0.5 → 1 use at 1.0
        Assert.Equal(["near"], Names(h.Skills.SearchSkills(query, new SkillSearchOptions { K = 1, MinSuccessRate = 0.6 })));
        Assert.Equal(1, h.Skills.GetSkill("near")!.Uses);
    }

    private static List<Episode> ConsolidationEpisodes()
    {
        var episodes = new List<Episode>();
        void Add(string task, double reward, bool success, long ts, string output, string? session = null, Dictionary<string, string>? metadata = null) =>
            episodes.Add(new Episode
            {
                Task = task,
                Reward = reward,
                Success = success,
                TimestampUnixMs = ts,
                Output = output,
                LatencyMs = 100,
                SessionId = session ?? "sess-" + (ts % 5),
                Metadata = metadata ?? new Dictionary<string, string>(),
                Vector = MemoryHarness.Angle(task.Length),
            });

        // "sort list": 4 successes averaging 0.85 and one failure → qualifies; best is the 0.95 one.
        Add("sort list", 0.8, true, 1_000, "def sort_a(xs):\n  return sorted(xs)");
        Add("sort list", 0.95, true, 2_000, "\n  def sort_best(xs):\n  return sorted(xs)");
        Add("sort list", 0.9, true, 3_000, "def sort_c(xs): ...");
        Add("sort list", 0.75, true, 4_000, "def sort_d(xs): ...");
        Add("sort list", 0.0, false, 5_000, "oops");

        // "parse json": only 2 successes → below MinAttempts 3.
        Add("parse json", 1.0, true, 1_100, "json.loads");
        Add("parse json", 1.0, true, 1_200, "json.loads");
        Add("parse json", 0.0, false, 1_300, "fail");

        // "fetch url": 3 successes but mean reward 0.5 → below MinReward 0.7.
        Add("fetch url", 0.5, true, 1_400, "get");
        Add("fetch url", 0.5, true, 1_500, "get");
        Add("fetch url", 0.5, true, 1_600, "get");

        // "resize image": 3 successes at 0.9, with a signature in metadata; all at ts ≥ 10,000.
        var signature = new Dictionary<string, string> { ["signature"] = "resize(img, w, h)" };
        Add("resize image", 0.9, true, 10_000, "code r1", metadata: signature);
        Add("resize image", 0.9, true, 11_000, "code r2", metadata: signature);
        Add("resize image", 0.9, true, 12_000, "code r3", metadata: signature);
        return episodes;
    }

    [Fact]
    public void Consolidation_AppliesThresholdsAndTheRule_AndIsIdempotent()
    {
        using var h = new MemoryHarness();
        h.Reflexion.StoreEpisodes(ConsolidationEpisodes());
        var options = new SkillConsolidationOptions { MinAttempts = 3, MinReward = 0.7 };

        SkillConsolidationResult first = h.Skills.ConsolidateEpisodes(options);
        Assert.Equal(14, first.EpisodesRead);
        Assert.Equal(4, first.TasksConsidered);
        Assert.Equal(["resize image", "sort list"], first.Created);
        Assert.Empty(first.Refreshed);

        Skill sort = h.Skills.GetSkill("sort list")!;
        Assert.Equal("sort list", sort.SourceTask);
        Assert.Equal("\n  def sort_best(xs):\n  return sorted(xs)", sort.Code);
        Assert.Equal("def sort_best(xs):", sort.Signature); // first non-blank line, trimmed
        Assert.Equal(5, sort.Uses);
        Assert.Equal(0.8, sort.SuccessRate, 12);
        Assert.Equal((0.8 + 0.95 + 0.9 + 0.75) / 5, sort.AverageReward, 12);
        Assert.Equal(100, sort.AverageLatencyMs, 12);
        Assert.Equal(MemoryHarness.Angle("sort list".Length), sort.Vector.ToArray());
        Assert.Equal("resize(img, w, h)", h.Skills.GetSkill("resize image")!.Signature);
        Assert.Null(h.Skills.GetSkill("parse json"));
        Assert.Null(h.Skills.GetSkill("fetch url"));

        // Twice: nothing is written.
        long updated = sort.UpdatedUnixMs;
        long lsn = h.Stores.Store(MemoryKind.Skills).Get(SkillLibrary.Collection, "sort list")!.Lsn;
        SkillConsolidationResult second = h.Skills.ConsolidateEpisodes(options);
        Assert.Empty(second.Created);
        Assert.Empty(second.Refreshed);
        Assert.Equal(["resize image", "sort list"], second.Unchanged);
        Assert.Equal(lsn, h.Stores.Store(MemoryKind.Skills).Get(SkillLibrary.Collection, "sort list")!.Lsn);
        Assert.Equal(updated, h.Skills.GetSkill("sort list")!.UpdatedUnixMs);

        // A new episode of the task refreshes its skill; lower thresholds bring in "parse json".
        h.Reflexion.StoreEpisode(new Episode { Task = "sort list", Reward = 0.99, Success = true, TimestampUnixMs = 6_000, Output = "def sort_new(xs)", Vector = MemoryHarness.Angle(9) });
        SkillConsolidationResult third = h.Skills.ConsolidateEpisodes(new SkillConsolidationOptions { MinAttempts = 2, MinReward = 0.7 });
        Assert.Equal(["parse json"], third.Created);
        Assert.Equal(["sort list"], third.Refreshed);
        Assert.Equal(["resize image"], third.Unchanged);
        Assert.Equal("def sort_new(xs)", h.Skills.GetSkill("sort list")!.Code);
        Assert.Equal(6, h.Skills.GetSkill("sort list")!.Uses);
    }

    [Fact]
    public void Consolidation_RespectsTheTimeWindowAndCallerSkills()
    {
        using var h = new MemoryHarness();
        h.Reflexion.StoreEpisodes(ConsolidationEpisodes());
        h.Skills.CreateSkill(NewSkill("sort list", 0) with { Code = "mine" });

        SkillConsolidationResult early = h.Skills.ConsolidateEpisodes(new SkillConsolidationOptions { ToUnixMs = 10_000 });
        Assert.Equal(["sort list"], early.Conflicts); // a caller's skill of that name is left alone
        Assert.Empty(early.Created);
        Assert.Equal("mine", h.Skills.GetSkill("sort list")!.Code);
        Assert.Null(h.Skills.GetSkill("resize image")); // its episodes are outside the window

        SkillConsolidationResult late = h.Skills.ConsolidateEpisodes(new SkillConsolidationOptions { FromUnixMs = 10_000 });
        Assert.Equal(3, late.EpisodesRead);
        Assert.Equal(["resize image"], late.Created);
    }

    [Fact]
    public void Consolidation_GivesLongTasksACutNameWithAHash()
    {
        string task = new string('a', 150) + " " + new string('é', 100);
        string name = SkillLibrary.ConsolidatedName(task);
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(name) <= SkillLibrary.MaxConsolidatedNameBytes);
        Assert.Matches(" #[0-9a-f]{16}$", name);
        Assert.NotEqual(name, SkillLibrary.ConsolidatedName(task + "!"));
        Assert.Equal("short task", SkillLibrary.ConsolidatedName("short task"));
    }

    [Fact]
    public void ShardedAndUnsharded_ConsolidateAndSearchAlike()
    {
        using var flat = new MemoryHarness();
        using var sharded = new MemoryHarness(sharded: true);
        List<Episode> episodes = ConsolidationEpisodes();
        flat.Reflexion.StoreEpisodes(episodes);
        sharded.Reflexion.StoreEpisodes(episodes);

        SkillConsolidationResult a = flat.Skills.ConsolidateEpisodes();
        SkillConsolidationResult b = sharded.Skills.ConsolidateEpisodes();
        Assert.Equal(a.Created, b.Created);
        Assert.Equal(a.EpisodesRead, b.EpisodesRead);
        foreach (string name in a.Created)
        {
            Skill x = flat.Skills.GetSkill(name)!;
            Skill y = sharded.Skills.GetSkill(name)!;
            Assert.Equal((x.Code, x.Signature, x.Uses, x.SuccessRate, x.Description), (y.Code, y.Signature, y.Uses, y.SuccessRate, y.Description));
            Assert.Equal(x.AverageReward, y.AverageReward, 12);
        }

        Assert.Equal(Names(flat.Skills.SearchSkills(MemoryHarness.Angle(9))), Names(sharded.Skills.SearchSkills(MemoryHarness.Angle(9))));
        Assert.Empty(sharded.Skills.ConsolidateEpisodes().Created);
    }

    [Fact]
    public void BadInput_IsRefusedWithClearErrors()
    {
        using var h = new MemoryHarness();
        Assert.Throws<ArgumentException>(() => h.Skills.CreateSkill(new Skill { Name = "" }));
        Assert.Throws<ArgumentException>(() => h.Skills.CreateSkill(new Skill { Name = new string('n', 600) }));
        Assert.Throws<ArgumentException>(() => h.Skills.CreateSkill(new Skill { Name = "x", SuccessRate = 1.5 }));
        Assert.Throws<ArgumentException>(() => h.Skills.CreateSkill(new Skill { Name = "x", SuccessRate = double.NaN }));
        Assert.Throws<ArgumentException>(() => h.Skills.CreateSkill(new Skill { Name = "x", Uses = -1 }));
        Assert.Throws<ArgumentException>(() => h.Skills.CreateSkill(new Skill { Name = "x", AverageReward = double.NegativeInfinity }));
        Assert.Throws<ArgumentException>(() => h.Skills.CreateSkill(new Skill { Name = "x", AverageLatencyMs = -1 }));
        Assert.Throws<ArgumentException>(() => h.Skills.CreateSkill(new Skill { Name = "x", Vector = new float[2] }));
        Assert.Null(h.Skills.GetSkill("x"));

        Assert.Throws<KeyNotFoundException>(() => h.Skills.RecordUse("nobody", true, 1, 1));
        h.Skills.CreateSkill(NewSkill("x", 0));
        Assert.Throws<ArgumentException>(() => h.Skills.RecordUse("x", true, double.NaN, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => h.Skills.RecordUse("x", true, 1, -1));
        Assert.Throws<ArgumentException>(() => h.Skills.RecordUse("", true, 1, 1));
        Assert.Equal(0, h.Skills.GetSkill("x")!.Uses);

        Assert.Throws<ArgumentOutOfRangeException>(() => h.Skills.SearchSkills(MemoryHarness.Angle(0), new SkillSearchOptions { K = 0 }));
        Assert.Throws<ArgumentException>(() => h.Skills.SearchSkills(MemoryHarness.Angle(0), new SkillSearchOptions { MinSuccessRate = 2 }));
        Assert.Throws<ArgumentException>(() => h.Skills.SearchSkills(new float[3]));
        Assert.Throws<ArgumentException>(() => h.Skills.SearchSkills(""));
        Assert.Throws<ArgumentException>(() => h.Skills.ConsolidateEpisodes(new SkillConsolidationOptions { MinAttempts = 0 }));
        Assert.Throws<ArgumentException>(() => h.Skills.ConsolidateEpisodes(new SkillConsolidationOptions { MinReward = double.NaN }));
        Assert.Throws<ArgumentException>(() => h.Skills.ConsolidateEpisodes(new SkillConsolidationOptions { FromUnixMs = 5, ToUnixMs = 1 }));
    }
}
