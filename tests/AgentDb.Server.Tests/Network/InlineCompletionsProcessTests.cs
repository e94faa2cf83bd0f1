using System.Globalization;
using AgentDb.Client;
using AgentDb.Server.Network;
using AgentDb.Wire.Frames;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Tests.Network;

/// <summary>
/// The <c>agentdb serve</c> process as it runs in production: socket completions inline on the epoll threads
/// (<see cref="SocketEngineSettings"/>), the record cache in front of RocksDB. Pipelined requests cut at arbitrary
/// bytes still get exactly their answers, and a GET after an acknowledged UPSERT sees it though the old value was cached.
/// </summary>
public sealed class InlineCompletionsProcessTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Serve_RunsOneEpollThreadPerProcessor_UnlessTheEnvironmentSaysOtherwise()
    {
        if (!OperatingSystem.IsLinux() || Environment.ProcessorCount < 2)
        {
            return; // thread names come from /proc; with one processor both settings give one engine thread
        }

        // Thread-pool dispatch, as the runtime does by default, has one engine thread per 30 processors.
        var byDefault = Math.Max(1, (int)Math.Round(Environment.ProcessorCount / 30.0));
        Assert.Equal(Environment.ProcessorCount, await CountSocketEngineThreadsAsync(null));
        Assert.Equal(byDefault, await CountSocketEngineThreadsAsync("0"));
        // A replica keeps the default (its primary need not exist for this).
        Assert.Equal(byDefault, await CountSocketEngineThreadsAsync(null, "--replica-of", "127.0.0.1:1"));
    }

    [Fact]
    public async Task Serve_PipelinedGetsCutAtArbitraryBytes_AnswerEachRequest_WithTheLastAcknowledgedWrite()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return; // SIGTERM via kill(2) is POSIX only.
        }

        using var root = new TempDirectory();
        using var server = AgentDbProcess.StartWithEnvironment(
            new Dictionary<string, string?> { [SocketEngineSettings.InlineCompletionsVariable] = null },
            "serve", "--data", Path.Combine(root.Path, "data"), "--port", "0", "--http-port", "0");
        var port = await PortOfAsync(server);

        await using (var client = await AgentDbClient.ConnectAsync("127.0.0.1", port, null))
        await using (var raw = await RawConnection.ConnectAsync(port))
        {
            await client.CreateCollectionAsync("c", 2, VectorMetric.L2Squared);
            await client.UpsertAsync("c", "other", new float[] { 0, 1 }, Payload("other"));
            await raw.HelloAsync();
            var random = new Random(11);
            ulong requestId = 100;
            // Bounded: 30 rounds of one write and 16 pipelined reads.
            for (int round = 0; round < 30; round++)
            {
                var written = await client.UpsertAsync("c", "hot", new float[] { round, 1 }, Payload($"v{round}"));

                // 16 GETs (of the record just written and of another) in one byte stream, sent in random cuts: frames
                // arrive split over reads, several per read, and a header alone.
                var expected = new Dictionary<ulong, string>();
                using var stream = new MemoryStream();
                for (int i = 0; i < 16; i++)
                {
                    var id = i % 4 == 3 ? "other" : "hot";
                    expected[++requestId] = id;
                    stream.Write(RawConnection.Frame(Opcode.Get, requestId, new GetRequest("c", id, false)));
                }
                var bytes = stream.ToArray();
                for (int offset = 0; offset < bytes.Length;)
                {
                    var cut = Math.Min(bytes.Length - offset, random.Next(1, 90));
                    await raw.SendAsync(bytes[offset..(offset + cut)]);
                    offset += cut;
                }

                for (int i = 0; i < 16; i++)
                {
                    var (header, body) = await raw.ReadFrameAsync();
                    Assert.False(header.IsError, $"round {round}: request {header.RequestId} failed");
                    Assert.True(expected.Remove(header.RequestId, out var id), $"unexpected or repeated request id {header.RequestId}");
                    Assert.True(MessageCodec.TryDecode<GetResponse>(body, out var record, out var reason), reason);
                    Assert.Equal(id, record.Id);
                    if (id == "hot")
                    {
                        Assert.Equal(written.Version, record.Version);
                        Assert.Equal(Payload($"v{round}"), record.Payload.ToArray());
                    }
                    else
                    {
                        Assert.Equal(Payload("other"), record.Payload.ToArray());
                    }
                }
                Assert.Empty(expected);
            }
        }

        server.Signal(AgentDbProcess.Sigterm);
        Assert.Equal(0, await server.WaitForExitAsync(s_timeout));
    }

    /// <summary>Starts serve (with <paramref name="extraArguments"/>) with the variable set to <paramref name="value"/>
    /// (null: unset) and counts the runtime's
    /// ".NET Sockets" engine threads once they exist (created together, when the first socket registers).</summary>
    private static async Task<int> CountSocketEngineThreadsAsync(string? value, params string[] extraArguments)
    {
        using var root = new TempDirectory();
        using var server = AgentDbProcess.StartWithEnvironment(
            new Dictionary<string, string?> { [SocketEngineSettings.InlineCompletionsVariable] = value },
            ["serve", "--data", Path.Combine(root.Path, "data"), "--port", "0", "--http-port", "0", .. extraArguments]);
        var port = await PortOfAsync(server);
        await using (var client = await AgentDbClient.ConnectAsync("127.0.0.1", port, null))
        {
            await client.PingAsync(); // a connection has been accepted and served: the engines exist
        }

        var count = 0;
        foreach (var task in Directory.GetDirectories($"/proc/{server.Id}/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n') == ".NET Sockets")
                {
                    count++;
                }
            }
            catch (IOException)
            {
                // the thread ended meanwhile
            }
        }

        server.Signal(AgentDbProcess.Sigterm);
        Assert.Equal(0, await server.WaitForExitAsync(s_timeout));
        return count;
    }

    private static async Task<int> PortOfAsync(AgentDbProcess server)
    {
        var ready = await server.WaitForLineAsync("agentdb ready:", s_timeout);
        var match = AgentDbProcessTests.ReadyAddresses().Match(ready);
        Assert.True(match.Success, ready);
        return int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>A one-entry MessagePack map <c>{"v": text}</c> (text under 32 bytes).</summary>
    private static byte[] Payload(string text)
    {
        var bytes = new byte[4 + text.Length];
        bytes[0] = 0x81;
        bytes[1] = 0xa1;
        bytes[2] = (byte)'v';
        bytes[3] = (byte)(0xa0 | text.Length);
        System.Text.Encoding.ASCII.GetBytes(text, bytes.AsSpan(4));
        return bytes;
    }
}
