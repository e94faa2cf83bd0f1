using AgentDb.Client;
using AgentDb.Server.Network;
using AgentDb.Wire.Frames;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Tests.Network;

/// <summary>Bytes no client should send, over a raw socket. Framing errors get an error frame and a close; a bad
/// request inside good framing gets an error reply and the connection stays open. Either way the server lives on and
/// a bystander connection notices nothing.</summary>
public sealed class MalformedInputTests
{
    [Fact]
    public async Task RandomBytes_GetBadRequestAndClose_OthersUnaffected()
    {
        await using var server = await TestServer.StartAsync();
        await using var bystander = await server.ConnectAsync();
        var random = new Random(42);
        for (var i = 0; i < 5; i++)
        {
            var garbage = new byte[random.Next(2, 200)];
            random.NextBytes(garbage);
            garbage[0] = 0x47; // never the magic's first byte

            await using var raw = await server.ConnectRawAsync();
            await raw.SendAsync(garbage);

            var error = await raw.ReadErrorAsync(ErrorCode.BadRequest, 0);
            Assert.Contains("bad frame magic", error.Message);
            await raw.AssertClosedByServerAsync();
            await bystander.PingAsync();
        }
    }

    [Fact]
    public async Task TruncatedHeader_ThenClientClose_ServerJustCloses()
    {
        await using var server = await TestServer.StartAsync();
        await using var bystander = await server.ConnectAsync();
        await using var raw = await server.ConnectRawAsync();

        await raw.SendAsync([0xAD, 0xB1, 0x01, 0x00, 0x02]);
        raw.ShutdownSend();

        await raw.AssertClosedByServerAsync();
        await bystander.PingAsync();
    }

    [Theory]
    [InlineData(0x8000_0000u)]
    [InlineData(uint.MaxValue)]
    public async Task HugeLength_IsTooLargeAtOnce_WithoutWaitingForTheBody(uint bodyLength)
    {
        await using var server = await TestServer.StartAsync();
        await using var bystander = await server.ConnectAsync();
        await using var raw = await server.ConnectRawAsync();
        await raw.HelloAsync();
        var header = new byte[FrameHeader.Size];
        new FrameHeader(Opcode.Upsert, FrameFlags.None, 77, bodyLength).Write(header);

        await raw.SendAsync(header);

        var error = await raw.ReadErrorAsync(ErrorCode.TooLarge, 77);
        Assert.Contains("exceeds the maximum", error.Message);
        await raw.AssertClosedByServerAsync();
        await bystander.PingAsync();
    }

    [Fact]
    public async Task UnsupportedVersionOrReservedBits_AreBadRequestAndClose()
    {
        await using var server = await TestServer.StartAsync();
        foreach (var (offset, value, message) in new[] { (2, (byte)9, "unsupported frame version 9"), (3, (byte)0x80, "reserved"), (21, (byte)1, "reserved") })
        {
            await using var raw = await server.ConnectRawAsync();
            var frame = RawConnection.Frame(Opcode.Hello, 4, new HelloRequest(1, 1, null, null));
            frame[offset] = value;

            await raw.SendAsync(frame);

            var error = await raw.ReadErrorAsync(ErrorCode.BadRequest, 4);
            Assert.Contains(message, error.Message);
            await raw.AssertClosedByServerAsync();
        }
    }

    [Fact]
    public async Task UnknownOpcode_IsBadRequest_AndTheConnectionStaysOpen()
    {
        await using var server = await TestServer.StartAsync();
        await using var raw = await server.ConnectRawAsync();
        await raw.HelloAsync();

        await raw.SendAsync(RawConnection.RawFrame((Opcode)0x7777, 5, [0x90]));
        // A value in the episode family's range that no opcode has (yet).
        await raw.SendAsync(RawConnection.RawFrame((Opcode)(OpcodeRanges.EpisodesFirst + OpcodeRanges.FamilySize - 1), 6, [0x90]));
        await raw.SendAsync(RawConnection.Frame(Opcode.Ping, 7, EmptyMessage.Instance));

        Assert.Equal("unknown opcode 0x7777", (await raw.ReadErrorAsync(ErrorCode.BadRequest, 5)).Message);
        Assert.Equal("unknown opcode 0x10ff", (await raw.ReadErrorAsync(ErrorCode.BadRequest, 6)).Message);
        var pong = await raw.ReadFrameAsync();
        Assert.Equal((7UL, FrameFlags.Response), (pong.Header.RequestId, pong.Header.Flags));
    }

    [Fact]
    public async Task InvalidMessagePackBody_IsBadRequest_AndTheConnectionStaysOpen()
    {
        await using var server = await TestServer.StartAsync(register: h => h.Register(Opcode.Upsert, new BodySizeUpsertHandler()));
        await using var raw = await server.ConnectRawAsync();
        await raw.HelloAsync();

        await raw.SendAsync(RawConnection.RawFrame(Opcode.Ping, 8, [0xC1]));                     // reserved type byte
        await raw.SendAsync(RawConnection.RawFrame(Opcode.Upsert, 9, [0x94, 0xA1, 0x63]));       // truncated array
        await raw.SendAsync(RawConnection.RawFrame(Opcode.Upsert, 10, [0xDD, 0xFF, 0xFF, 0xFF, 0xFF])); // lying count
        await raw.SendAsync(RawConnection.RawFrame(Opcode.Ping, 11, []));                        // empty body
        await raw.SendAsync(RawConnection.Frame(Opcode.Ping, 12, EmptyMessage.Instance));

        for (ulong id = 8; id <= 11; id++)
        {
            await raw.ReadErrorAsync(ErrorCode.BadRequest, id);
        }
        Assert.Equal(12UL, (await raw.ReadFrameAsync()).Header.RequestId);
    }

    [Fact]
    public async Task ResponseFlagFromAClient_IsAProtocolError()
    {
        await using var server = await TestServer.StartAsync();
        await using var raw = await server.ConnectRawAsync();
        await raw.HelloAsync();
        var frame = RawConnection.Frame(Opcode.Ping, 13, EmptyMessage.Instance);
        frame[3] = (byte)FrameFlags.Response;

        await raw.SendAsync(frame);

        await raw.ReadErrorAsync(ErrorCode.BadRequest, 13);
        await raw.AssertClosedByServerAsync();
    }

    [Fact]
    public async Task ErrorsAreCounted()
    {
        await using var server = await TestServer.StartAsync();
        await using var raw = await server.ConnectRawAsync();
        await raw.HelloAsync();
        await raw.SendAsync(RawConnection.RawFrame((Opcode)0x7777, 5, [0x90]));
        await raw.ReadErrorAsync(ErrorCode.BadRequest, 5);

        Assert.Equal(1, server.Metrics.ErrorCount(ErrorCode.BadRequest));
        Assert.Equal(1, server.Metrics.RequestCount(Opcode.Hello));
        Assert.Equal(1, server.Metrics.RequestCount(Opcode.None)); // unknown opcodes share one bucket
    }

    [Fact]
    public async Task RandomBodiesForEveryOpcode_AreEachAnswered_AndTheServerLivesOn()
    {
        await using var server = await TestServer.StartAsync(register: h => h
            .Register(Opcode.Upsert, new BodySizeUpsertHandler())
            .Register(Opcode.Stats, new DelayingStatsHandler()));
        await using var bystander = await server.ConnectAsync();
        await using var raw = await server.ConnectRawAsync();
        await raw.HelloAsync();
        var random = new Random(1234);
        ushort[] opcodes = [.. OpcodeInfo.All.ToArray().Where(o => o != Opcode.Hello).Select(o => (ushort)o), 0x0000, 0x0003, 0x1000, 0x2001, 0xFFFF];

        const int requests = 300;
        for (var id = 1; id <= requests; id++)
        {
            var body = new byte[random.Next(0, 40)];
            random.NextBytes(body);
            if (body.Length > 0 && random.Next(2) == 0)
            {
                body[0] = (byte)(0x90 | random.Next(0, 8));
            }
            await raw.SendAsync(RawConnection.RawFrame((Opcode)opcodes[random.Next(opcodes.Length)], (ulong)id, body));
        }

        var answered = new HashSet<ulong>();
        for (var i = 0; i < requests; i++)
        {
            var (header, body) = await raw.ReadFrameAsync();
            Assert.True(header.IsResponse);
            if (header.IsError)
            {
                Assert.True(MessageCodec.TryDecode<ErrorResponse>(body, out var error, out var reason), reason);
                Assert.NotEqual(ErrorCode.Internal, error.Code);
            }
            Assert.True(answered.Add(header.RequestId), $"request {header.RequestId} answered twice");
        }
        Assert.Equal(requests, answered.Count);
        await bystander.PingAsync();
        Assert.Equal("", server.Log.ToString());
    }
}
