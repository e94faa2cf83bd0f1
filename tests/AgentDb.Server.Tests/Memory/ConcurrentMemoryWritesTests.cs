using System.Diagnostics;
using AgentDb.Client;
using Xunit.Abstractions;
using static AgentDb.Server.Tests.Memory.MemoryTestData;

namespace AgentDb.Server.Tests.Memory;

/// <summary>
/// Issue #8: many concurrent agent-memory writes over the wire must not starve the server's thread pool. Memory write
/// handlers used to block a pool thread each until the group commit, so under hundreds of concurrent writes the server
/// stopped answering everything (PING and /health included). This sends 500 concurrent writes — skill record-use on five
/// shared skills, graph edge and node adds, causal edge adds — over eight connections, pings on a ninth while they are
/// in flight, and requires every write to be acknowledged (and the five skills' use counts to be exact) within bounds.
/// </summary>
public sealed class ConcurrentMemoryWritesTests(ITestOutputHelper output)
{
    private const int Connections = 8;
    private const int RecordUses = 200;
    private const int EdgeAdds = 100;
    private const int NodeAdds = 100;
    private const int CausalAdds = 100;
    private const int Skills = 5;
    private const int Seeds = 10;
    private static readonly TimeSpan s_writesBound = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan s_pingBound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task FiveHundredConcurrentMemoryWrites_AllAcknowledged_WhilePingStillAnswers()
    {
        await using var server = await MemoryServer.StartAsync("hashing");
        var clients = new AgentDbClient[Connections];
        for (var i = 0; i < Connections; i++)
        {
            clients[i] = await server.ConnectAsync(MemoryServer.WriteKey);
        }
        await using var pinger = await server.ConnectAsync(MemoryServer.ReadKey);
        try
        {
            for (var s = 0; s < Skills; s++)
            {
                await clients[0].CreateSkillAsync(Skill("shared-" + s, "a skill every agent uses", successRate: 0, uses: 0));
            }
            for (var n = 0; n < Seeds; n++)
            {
                await clients[0].AddNodeAsync(Node("seed-" + n, "Agent"));
            }

            var latencies = new long[RecordUses + EdgeAdds + NodeAdds + CausalAdds];
            var writes = new List<Task>(latencies.Length);
            var clock = Stopwatch.StartNew();
            var op = 0;
            for (var i = 0; i < RecordUses; i++)
            {
                var (client, slot, index) = (clients[op % Connections], op++, i);
                writes.Add(Timed(latencies, slot, () => client.RecordSkillUseAsync("shared-" + (index % Skills), index % 2 == 0, index % 2 == 0 ? 1 : 0, 10)));
            }
            for (var i = 0; i < EdgeAdds; i++)
            {
                var (client, slot, index) = (clients[op % Connections], op++, i);
                writes.Add(Timed(latencies, slot, () => client.AddEdgeAsync(Edge("seed-" + (index % Seeds), "knows", "seed-" + ((index + 1) % Seeds)))));
            }
            for (var i = 0; i < NodeAdds; i++)
            {
                var (client, slot, index) = (clients[op % Connections], op++, i);
                writes.Add(Timed(latencies, slot, () => client.AddNodeAsync(Node("agent-" + index, "Agent"))));
            }
            for (var i = 0; i < CausalAdds; i++)
            {
                var (client, slot, index) = (clients[op % Connections], op++, i);
                writes.Add(Timed(latencies, slot, () => client.AddCausalEdgeAsync("cause-" + index, "effect-" + index, "m", 0.5, 0.9)));
            }

            var all = Task.WhenAll(writes);
            var pings = 0;
            var pingsInFlight = 0;
            long slowestPing = 0;
            do
            {
                var ping = Stopwatch.StartNew();
                var inFlight = !all.IsCompleted;
                await pinger.PingAsync().WaitAsync(s_pingBound); // throws TimeoutException: the server stopped answering
                slowestPing = Math.Max(slowestPing, ping.ElapsedMilliseconds);
                pings++;
                pingsInFlight += inFlight ? 1 : 0;
                await Task.WhenAny(all, Task.Delay(50));
            }
            while (!all.IsCompleted && clock.Elapsed < s_writesBound);

            await all.WaitAsync(s_writesBound); // throws TimeoutException: writes were not acknowledged in time
            clock.Stop();

            for (var s = 0; s < Skills; s++)
            {
                var skill = await clients[0].GetSkillAsync("shared-" + s);
                Assert.NotNull(skill);
                Assert.Equal(RecordUses / Skills, skill.Uses);
                Assert.Equal(0.5, skill.SuccessRate, 9);
            }
            Assert.NotNull(await clients[0].GetNodeAsync("agent-" + (NodeAdds - 1)));
            Assert.NotNull(await clients[0].GetCausalEdgeAsync("cause-0", "effect-0", "m"));
            Assert.True(pings > 0);

            Array.Sort(latencies);
            output.WriteLine(
                $"{latencies.Length} writes over {Connections} connections in {clock.ElapsedMilliseconds} ms " +
                $"({latencies.Length * 1000.0 / Math.Max(1, clock.ElapsedMilliseconds):F0} ops/s); latency p50 {latencies[latencies.Length / 2]} ms, " +
                $"p99 {latencies[latencies.Length * 99 / 100]} ms, max {latencies[^1]} ms; {pings} pings ({pingsInFlight} while writes were in flight), slowest {slowestPing} ms");
        }
        finally
        {
            foreach (var client in clients)
            {
                if (client is not null)
                {
                    await client.DisposeAsync();
                }
            }
        }
    }

    private static async Task Timed<T>(long[] latencies, int slot, Func<Task<T>> write)
    {
        var clock = Stopwatch.StartNew();
        await write();
        latencies[slot] = clock.ElapsedMilliseconds;
    }
}
