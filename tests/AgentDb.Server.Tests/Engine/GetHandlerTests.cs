using System.Buffers;
using AgentDb.Kernels;
using AgentDb.Server.Engine;
using AgentDb.Server.Network.Handlers;
using AgentDb.Wire.Frames;
using AgentDb.Wire.Messages;
using MessagePack;

namespace AgentDb.Server.Tests.Engine;

/// <summary>GET's zero-copy path against its general path: the same answers for every encoding a client may send.</summary>
public sealed class GetHandlerTests : IDisposable
{
    private static readonly byte[] s_payload = [0x81, 0xA1, (byte)'v', 0xA3, (byte)'x', (byte)'y', (byte)'z']; // {"v": "xyz"}

    private readonly TempDirectory _directory = new();
    private readonly AgentDatabase _database;
    private readonly GetHandler _handler;

    public GetHandlerTests()
    {
        _database = AgentDatabase.Open(Path.Combine(_directory.Path, "db"));
        _database.CreateCollection("docs", 3, DistanceMetric.L2Squared);
        _handler = new GetHandler(_database);
    }

    public void Dispose()
    {
        _database.Dispose();
        _directory.Dispose();
    }

    [Theory]
    [InlineData("a", false)]
    [InlineData("a", true)]
    [InlineData("an-id-longer-than-thirty-one-bytes-so-str8", true)]
    [InlineData("ünïcödé", true)]
    public void Get_AnswersAsTheMessageTypesWould(string id, bool includeVector)
    {
        var lsn = _database.Upsert("docs", id, s_payload, [1f, 2f, 3f]);
        var body = Encode(new GetRequest("docs", id, includeVector));
        Assert.True(GetHandler.TryParse(body, out _, out _, out _)); // the fast path takes the usual encoding

        var response = Decode(Handle(body, out var result));
        Assert.True(result.IsSuccess);
        Assert.Equal(id, response.Id);
        Assert.Equal(s_payload, response.Payload.ToArray());
        Assert.Equal((ulong)lsn, response.Version);
        Assert.Equal(includeVector ? [1f, 2f, 3f] : [], response.Vector.ToArray());
    }

    [Theory]
    [InlineData(1UL)]
    [InlineData(200UL)]
    [InlineData(70_000UL)]
    [InlineData(ulong.MaxValue)]
    public void Get_WithMinLsn_TakesTheFastPath_WithTheSameAnswer(ulong minLsn)
    {
        _database.Upsert("docs", "a", s_payload, [1f, 2f, 3f]);
        var body = Encode(new GetRequest("docs", "a", true, minLsn));
        Assert.Equal(0x94, body[0]);
        Assert.True(GetHandler.TryParse(body, out _, out _, out var includeVector));
        Assert.True(includeVector);
        // (MinLsnGate, not the handler, waits for minLsn: the handler reads what is there.)
        var answer = Handle(body, out var result);
        Assert.True(result.IsSuccess);
        Assert.Equal(Handle(Encode(new GetRequest("docs", "a", true)), out _), answer);

        // Anything after minLsn, or a minLsn that is not an unsigned integer, goes the general path (BAD_REQUEST there).
        Assert.False(GetHandler.TryParse(body.Append((byte)0xc0).ToArray(), out _, out _, out _));
        byte[] negative = [.. body[..^(body.Length - Encode(new GetRequest("docs", "a", true)).Length)], 0xff];
        negative[0] = 0x94;
        Assert.False(GetHandler.TryParse(negative, out _, out _, out _));
        Handle(negative, out var refused);
        Assert.Equal(ErrorCode.BadRequest, refused.Code);
    }

    [Fact]
    public void Get_WithoutVectorOrPayload_AnswersNil()
    {
        _database.Upsert("docs", "bare", ReadOnlySpan<byte>.Empty);
        var response = Decode(Handle(Encode(new GetRequest("docs", "bare", true)), out var result));
        Assert.True(result.IsSuccess);
        Assert.True(response.Vector.IsEmpty);
        Assert.True(response.Payload.IsEmpty);
    }

    [Fact]
    public void Get_InAnotherValidEncoding_TakesTheGeneralPath_WithTheSameAnswer()
    {
        _database.Upsert("docs", "a", s_payload, [1f, 2f, 3f]);
        // str32 headers for both strings: valid MessagePack that the fast parser does not take.
        byte[] body = [0x93, 0xdb, 0, 0, 0, 4, (byte)'d', (byte)'o', (byte)'c', (byte)'s', 0xdb, 0, 0, 0, 1, (byte)'a', 0xc3];
        Assert.False(GetHandler.TryParse(body, out _, out _, out _));

        var general = Handle(body, out var result);
        Assert.True(result.IsSuccess);
        Assert.Equal(Handle(Encode(new GetRequest("docs", "a", true)), out _), general);
    }

    [Fact]
    public void Get_Errors_AreThoseOfTheGeneralPath()
    {
        Handle(Encode(new GetRequest("docs", "missing", false)), out var missing);
        Assert.Equal(ErrorCode.NotFound, missing.Code);
        Assert.Contains("'missing'", missing.Message, StringComparison.Ordinal);

        Handle(Encode(new GetRequest("nowhere", "a", false)), out var noCollection);
        Assert.Equal(ErrorCode.NotFound, noCollection.Code);

        var trailing = Encode(new GetRequest("docs", "a", false)).Append((byte)0xc0).ToArray();
        Handle(trailing, out var extra);
        Assert.Equal(ErrorCode.BadRequest, extra.Code);

        Handle([0x92, 0xa4, (byte)'d', (byte)'o', (byte)'c', (byte)'s', 0xa1, (byte)'a'], out var short_);
        Assert.Equal(ErrorCode.BadRequest, short_.Code);
    }

    [Fact]
    public void Get_OfAPayloadThatIsNotAMap_IsRefusedAsBefore_NotSentRaw()
    {
        // Only the embedded API can store such a payload; the wire's encoder refuses to send it (INTERNAL).
        _database.Upsert("docs", "odd", [0x01], [1f, 2f, 3f]);
        Assert.Throws<ArgumentException>(() => Handle(Encode(new GetRequest("docs", "odd", false)), out _));
    }

    [Fact]
    public async Task Get_LentItsBody_ThroughAMinLsnGateThatWaits_ReadsTheBodyItWasSent()
    {
        // The session lends GET the receive buffer's bytes for the call only (ReadsBodyOnlyDuringCall); a gate that has to
        // wait for minLsn must keep a copy, since the buffer is reused for the next reads meanwhile.
        var gate = new AgentDb.Server.Replication.MinLsnGate(_handler, _database, GetRequest.MinLsnField, TimeSpan.FromSeconds(30));
        Assert.True(_handler.ReadsBodyOnlyDuringCall);
        Assert.True(gate.ReadsBodyOnlyDuringCall);
        var lsn = _database.Upsert("docs", "a", s_payload, [1f, 2f, 3f]);
        var body = Encode(new GetRequest("docs", "a", false, (ulong)lsn + 1));
        var output = new ArrayBufferWriter<byte>();

        var pending = gate.HandleAsync(new HandlerRequest(Opcode.Get, 7, body, AccessRole.Read, "test"), output, default);
        Assert.False(pending.IsCompleted); // waits for the next LSN
        Array.Fill(body, (byte)0xc1); // the lent buffer is overwritten by later reads (0xc1: never valid MessagePack)
        var next = _database.Upsert("docs", "b", s_payload, [1f, 2f, 3f]);

        var result = await pending.AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(result.IsSuccess, result.Message);
        var response = Decode(output.WrittenSpan.ToArray());
        Assert.Equal("a", response.Id);
        Assert.True(next > lsn);
    }

    private byte[] Handle(byte[] body, out HandlerResult result)
    {
        var output = new ArrayBufferWriter<byte>();
        var pending = _handler.HandleAsync(new HandlerRequest(Opcode.Get, 7, body, AccessRole.Read, "test"), output, default);
        Assert.True(pending.IsCompletedSuccessfully);
        result = pending.Result;
        return output.WrittenSpan.ToArray();
    }

    private static byte[] Encode(GetRequest request)
    {
        var output = new ArrayBufferWriter<byte>();
        MessageCodec.Encode(output, request);
        return output.WrittenSpan.ToArray();
    }

    private static GetResponse Decode(byte[] body)
    {
        var reader = new MessagePackReader(body);
        return GetResponse.Read(ref reader);
    }
}
