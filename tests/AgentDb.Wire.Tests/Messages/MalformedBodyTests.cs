using AgentDb.Wire.Messages;

namespace AgentDb.Wire.Tests.Messages;

/// <summary>Bodies an attacker or a buggy client could send: each is refused with a reason, never an exception, and
/// never an allocation sized by a length the body claims but does not have.</summary>
public sealed class MalformedBodyTests
{
    public static TheoryData<string, byte[], string> Cases => new()
    {
        { "empty body", [], "empty body" },
        { "not an array", [0x05], "must be a MessagePack array" },
        { "too few fields", [0x91, 0xA1, 0x61], "at least 2" },
        { "wrong field type", [0x92, 0x01, 0xA1, 0x61], "collection must be a string" },
        { "array claims 2^32-1 entries", [0xDD, 0xFF, 0xFF, 0xFF, 0xFF, 0xA1, 0x61], "" },
        { "string claims 2^32-1 bytes", [0x92, 0xDB, 0xFF, 0xFF, 0xFF, 0xFF, 0x61], "invalid MessagePack" },
        { "invalid UTF-8", [0x92, 0xA1, 0xFF, 0xA1, 0x61], "not valid UTF-8" },
        { "reserved type byte 0xC1", [0x92, 0xC1, 0xA1, 0x61], "" },
        { "empty id", [0x92, 0xA1, 0x61, 0xA0], "id must not be empty" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decode_MalformedDeleteRequest_ReturnsFalseWithAReason(string name, byte[] body, string reason)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();

        var decoded = MessageCodec.TryDecode<DeleteRequest>(body, out _, out var error);

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 * 1024, $"{name}: allocated for a claimed length");
        Assert.False(decoded, name);
        Assert.Contains(reason, error);
    }

    [Fact]
    public void Decode_BatchClaimingMoreOperationsThanBytes_IsRefusedBeforeAllocating()
    {
        // [ "c", array32 with 2^31-1 entries ] and nothing after.
        byte[] body = [0x92, 0xA1, 0x63, 0xDD, 0x7F, 0xFF, 0xFF, 0xFF];
        var before = GC.GetAllocatedBytesForCurrentThread();

        Assert.False(MessageCodec.TryDecode<BatchRequest>(body, out _, out var error));

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 * 1024);
        Assert.Contains("the body ends inside a value", error);
    }

    [Fact]
    public void Decode_PayloadNestedMillionsDeep_IsRefusedWithoutOverflowingTheStack()
    {
        // UPSERT ["c", "i", nil, {"k": [[[[... 2 MiB of nested arrays]]]]}]
        var depth = 2 * 1024 * 1024;
        var body = new byte[8 + depth];
        byte[] prefix = [0x94, 0xA1, 0x63, 0xA1, 0x69, 0xC0, 0x81, 0xA0];
        prefix.CopyTo(body, 0);
        Array.Fill(body, (byte)0x91, prefix.Length, depth);

        Assert.False(MessageCodec.TryDecode<UpsertRequest>(body, out _, out var error));
        Assert.Contains("nesting deeper than", error);
    }

    [Fact]
    public void Decode_VectorWithALengthNotAMultipleOfFour_IsRefused()
    {
        // SEARCH ["c", bin(3), 1, 0, nil, false, false]
        byte[] body = [0x97, 0xA1, 0x63, 0xC4, 0x03, 1, 2, 3, 0x01, 0x00, 0xC0, 0xC2, 0xC2];

        Assert.False(MessageCodec.TryDecode<SearchRequest>(body, out _, out var error));
        Assert.Contains("multiple of 4", error);
    }

    [Fact]
    public void Decode_RandomBytes_AsEveryMessage_NeverThrows()
    {
        var random = new Random(7);
        for (var i = 0; i < 5_000; i++)
        {
            var body = new byte[random.Next(0, 48)];
            random.NextBytes(body);
            if (body.Length > 0 && random.Next(2) == 0)
            {
                body[0] = (byte)(0x90 | random.Next(0, 8)); // a small array header, to get past the first check
            }
            MessageCodec.TryDecode<HelloRequest>(body, out _, out _);
            MessageCodec.TryDecode<UpsertRequest>(body, out _, out _);
            MessageCodec.TryDecode<BatchRequest>(body, out _, out _);
            MessageCodec.TryDecode<SearchRequest>(body, out _, out _);
            MessageCodec.TryDecode<SearchResponse>(body, out _, out _);
            MessageCodec.TryDecode<StatsResponse>(body, out _, out _);
            MessageCodec.TryDecode<ErrorResponse>(body, out _, out _);
            MessageCodec.TryDecode<CollectionListResponse>(body, out _, out _);
        }
    }

    [Fact]
    public void Write_PayloadThatIsNotOneMap_Throws()
    {
        var request = new UpsertRequest("c", "i", ReadOnlyMemory<float>.Empty, new byte[] { 0x01 });

        Assert.Throws<ArgumentException>(() => MessageCodec.ToArray(request));
    }
}
