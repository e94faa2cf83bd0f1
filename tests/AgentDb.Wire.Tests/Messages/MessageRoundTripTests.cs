using System.Buffers;
using AgentDb.Wire.Messages;

namespace AgentDb.Wire.Tests.Messages;

/// <summary>Seeded property tests: for many random instances of every message, encode → decode → encode gives the
/// same bytes, and every strict prefix of the encoding is rejected without an exception.</summary>
public sealed class MessageRoundTripTests
{
    private const int Iterations = 200;

    public static TheoryData<string> MessageNames => new()
    {
        "Empty", "Error", "HelloRequest", "HelloResponse", "CollectionCreateRequest", "CollectionDropRequest",
        "CollectionListResponse", "UpsertRequest", "UpsertResponse", "GetRequest", "GetResponse", "DeleteRequest",
        "DeleteResponse", "BatchRequest", "BatchResponse", "SearchRequest", "SearchResponse", "StatsRequest",
        "StatsResponse", "CheckpointResponse", "ReplSubscribeRequest", "ReplSubscribeResponse", "ReplEntries", "ReplAckRequest",
        "ReplSnapshotRequest", "ReplSnapshotResponse", "ReplSnapshotReadRequest", "ReplSnapshotReadResponse",
    };

    [Theory]
    [MemberData(nameof(MessageNames))]
    public void RandomMessages_RoundTripByteForByte_AndEveryPrefixIsRejected(string name)
    {
        for (var seed = 0; seed < Iterations; seed++)
        {
            var random = new RandomMessages(seed);
            switch (name)
            {
                case "Empty": Check(EmptyMessage.Instance); break;
                case "Error":
                    Check(new ErrorResponse((ErrorCode)random.UInt(10), random.Text(200), random.MaybeText(100)));
                    break;
                case "HelloRequest":
                    var min = random.UInt(255);
                    Check(new HelloRequest(min, min + random.UInt(255 - min), random.MaybeText(WireLimits.MaxApiKeyBytes), random.MaybeText(50)));
                    break;
                case "HelloResponse":
                    Check(new HelloResponse(random.UInt(255), random.Text(40), (AccessRole)random.UInt(4), random.UInt(int.MaxValue), random.UInt(int.MaxValue)));
                    break;
                case "CollectionCreateRequest":
                    Check(new CollectionCreateRequest(random.Name(), random.UInt(WireLimits.MaxDimension - 1) + 1, (VectorMetric)(random.UInt(2) + 1), random.UInt(1024), random.UInt(1_000_000)));
                    break;
                case "CollectionDropRequest": Check(new CollectionDropRequest(random.Name())); break;
                case "CollectionListResponse": Check(new CollectionListResponse(random.ListOf(random.Collection))); break;
                case "UpsertRequest": Check(new UpsertRequest(random.Name(), random.Id(), random.Vector(true), random.Map())); break;
                case "UpsertResponse": Check(new UpsertResponse(random.UInt64(), random.Bool())); break;
                case "GetRequest": Check(new GetRequest(random.Name(), random.Id(), random.Bool())); break;
                case "GetResponse": Check(new GetResponse(random.Id(), random.Vector(true), random.Map(), random.UInt64())); break;
                case "DeleteRequest": Check(new DeleteRequest(random.Name(), random.Id())); break;
                case "DeleteResponse": Check(new DeleteResponse(random.Bool())); break;
                case "BatchRequest": Check(new BatchRequest(random.Name(), random.ListOf(random.Operation))); break;
                case "BatchResponse": Check(new BatchResponse(random.UInt(int.MaxValue), random.UInt64())); break;
                case "SearchRequest":
                    Check(new SearchRequest(random.Name(), random.Vector(false), random.UInt(SearchRequest.MaxK - 1) + 1, random.UInt(1_000_000), random.Map(), random.Bool(), random.Bool()));
                    break;
                case "SearchResponse": Check(new SearchResponse(random.ListOf(random.Hit))); break;
                case "StatsRequest": Check(new StatsRequest(random.Bool() ? null : random.Name())); break;
                case "StatsResponse":
                    Check(new StatsResponse(random.ListOf(() => new KeyValuePair<string, long>(random.Text(30, allowEmpty: false), (long)random.UInt64()))));
                    break;
                case "CheckpointResponse": Check(new CheckpointResponse(random.UInt64())); break;
                case "ReplSubscribeRequest":
                    Check(new ReplSubscribeRequest(random.Name(), random.UInt64(), random.UInt(ReplSubscribeRequest.MaxWindow - 1) + 1, random.UInt(int.MaxValue)));
                    break;
                case "ReplSubscribeResponse": Check(new ReplSubscribeResponse(random.UInt64())); break;
                case "ReplEntries":
                    var lsn = (ulong)random.UInt(1000);
                    Check(new ReplEntriesMessage(random.UInt64(), (long)(random.UInt64() >> 1), random.ListOf(() =>
                    {
                        var previous = lsn;
                        lsn += (ulong)random.UInt(3) + 1;
                        return new ReplicatedEntry(lsn, previous, random.Map());
                    })));
                    break;
                case "ReplAckRequest": Check(new ReplAckRequest(random.Name(), random.UInt64())); break;
                case "ReplSnapshotRequest": Check(new ReplSnapshotRequest(random.Name())); break;
                case "ReplSnapshotResponse":
                    Check(new ReplSnapshotResponse(random.Name(), random.UInt64(), random.ListOf(() => new SnapshotFile(random.Text(300, allowEmpty: false), random.UInt64()))));
                    break;
                case "ReplSnapshotReadRequest":
                    Check(new ReplSnapshotReadRequest(random.Name(), random.Text(300, allowEmpty: false), random.UInt64(), random.UInt(int.MaxValue)));
                    break;
                case "ReplSnapshotReadResponse": Check(new ReplSnapshotReadResponse(random.Map())); break;
                default: throw new ArgumentException(name);
            }
        }
    }

    [Fact]
    public void Decode_KeepsFieldValues()
    {
        var request = new SearchRequest("docs", new float[] { 0.5f, -1f }, 10, 64, new byte[] { 0x81, 0xA1, 0x6B, 0x01 }, true, false);

        Assert.True(MessageCodec.TryDecode<SearchRequest>(MessageCodec.ToArray(request), out var decoded, out var error), error);

        Assert.Equal("docs", decoded.Collection);
        Assert.Equal([0.5f, -1f], decoded.Vector.ToArray());
        Assert.Equal(10, decoded.K);
        Assert.Equal(64, decoded.Ef);
        Assert.Equal([0x81, 0xA1, 0x6B, 0x01], decoded.Filter.ToArray());
        Assert.True(decoded.IncludeVector);
        Assert.False(decoded.IncludePayload);
    }

    [Fact]
    public void Decode_IgnoresFieldsAppendedByALaterVersion()
    {
        // [code, message, primary, <future field>]
        byte[] body = [0x94, 0x04, 0xA1, 0x78, 0xC0, 0x81, 0xA1, 0x61, 0x92, 0x01, 0x02];

        Assert.True(MessageCodec.TryDecode<ErrorResponse>(body, out var error, out var reason), reason);
        Assert.Equal(ErrorCode.NotFound, error.Code);
        Assert.Equal("x", error.Message);
    }

    private static void Check<T>(T message) where T : IWireMessage<T>
    {
        var bytes = MessageCodec.ToArray(message);

        Assert.True(MessageCodec.TryDecode<T>(bytes, out var decoded, out var error), $"{typeof(T).Name}: {error}");
        Assert.Equal(bytes, MessageCodec.ToArray(decoded));

        // Split into two segments at a random place: same result.
        var split = bytes.Length / 2;
        Assert.True(MessageCodec.TryDecode<T>(Segments.SplitAt(bytes, split), out var fromSegments, out error), error);
        Assert.Equal(bytes, MessageCodec.ToArray(fromSegments));

        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.False(
                MessageCodec.TryDecode<T>(new ReadOnlySequence<byte>(bytes, 0, length), out _, out _),
                $"{typeof(T).Name}: a {length}-byte prefix of {bytes.Length} decoded");
        }
        Assert.False(MessageCodec.TryDecode<T>(new ReadOnlyMemory<byte>([.. bytes, 0xC0]), out _, out error));
        Assert.Contains("unexpected bytes", error);
    }
}
