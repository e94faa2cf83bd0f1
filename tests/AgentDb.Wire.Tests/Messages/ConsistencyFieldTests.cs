using AgentDb.Wire.Messages;
using MessagePack;

namespace AgentDb.Wire.Tests.Messages;

/// <summary>
/// The optional trailing consistency fields: <c>w</c> on UPSERT/DELETE/BATCH, <c>minLsn</c> on GET/SEARCH, <c>lsn</c>
/// on the DELETE response. They round-trip, are left out when 0 (the old encoding), and the old encoding still decodes.
/// </summary>
public sealed class ConsistencyFieldTests
{
    private static readonly float[] s_vector = [1f, 0.5f, -2f];

    private static T RoundTrip<T>(T message)
        where T : IWireMessage<T>
    {
        Assert.True(MessageCodec.TryDecode<T>(MessageCodec.ToArray(message), out var decoded, out var error), error);
        return decoded;
    }

    private delegate void BodyWriter(ref MessagePackWriter writer);

    private static byte[] Body(BodyWriter write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        write(ref writer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    [Fact]
    public void Upsert_W_RoundTrips_AndZeroKeepsTheOldEncoding()
    {
        Assert.Equal(3, RoundTrip(new UpsertRequest("docs", "a", s_vector, default, replicas: 3)).Replicas);
        Assert.Equal(WireLimits.MaxReplicas, RoundTrip(new UpsertRequest("docs", "a", s_vector, default, WireLimits.MaxReplicas)).Replicas);
        var old = MessageCodec.ToArray(new UpsertRequest("docs", "a", s_vector, default));
        Assert.Equal(0x94, old[0]); // array(4): what a client without the field sends
        Assert.Equal(0x95, MessageCodec.ToArray(new UpsertRequest("docs", "a", s_vector, default, 1))[0]);
        Assert.True(MessageCodec.TryDecode<UpsertRequest>(old, out var decoded, out var error), error);
        Assert.Equal(0, decoded.Replicas);
        Assert.Equal("a", decoded.Id);
    }

    [Fact]
    public void Delete_And_Batch_W_RoundTrip_AndOldEncodingsDecode()
    {
        Assert.Equal(2, RoundTrip(new DeleteRequest("docs", "a", 2)).Replicas);
        var batch = RoundTrip(new BatchRequest("docs", [new BatchOperation(BatchOperationKind.Delete, "a", default, default)], 1));
        Assert.Equal(1, batch.Replicas);
        Assert.Single(batch.Operations);

        var oldDelete = Body((ref MessagePackWriter w) => { w.WriteArrayHeader(2); w.Write("docs"); w.Write("a"); });
        Assert.Equal(oldDelete, MessageCodec.ToArray(new DeleteRequest("docs", "a")));
        Assert.True(MessageCodec.TryDecode<DeleteRequest>(oldDelete, out var delete, out var error), error);
        Assert.Equal(0, delete.Replicas);

        var oldBatch = Body((ref MessagePackWriter w) => { w.WriteArrayHeader(2); w.Write("docs"); w.WriteArrayHeader(0); });
        Assert.Equal(oldBatch, MessageCodec.ToArray(new BatchRequest("docs", [])));
        Assert.True(MessageCodec.TryDecode<BatchRequest>(oldBatch, out var decodedBatch, out error), error);
        Assert.Equal(0, decodedBatch.Replicas);
    }

    [Fact]
    public void W_AboveTheLimit_IsRefused()
    {
        var body = Body((ref MessagePackWriter w) => { w.WriteArrayHeader(3); w.Write("docs"); w.Write("a"); w.Write(WireLimits.MaxReplicas + 1); });
        Assert.False(MessageCodec.TryDecode<DeleteRequest>(body, out _, out var error));
        Assert.Contains("w", error);
        Assert.Throws<ArgumentOutOfRangeException>(() => new UpsertRequest("docs", "a", s_vector, default, WireLimits.MaxReplicas + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchRequest("docs", [], -1));
    }

    [Fact]
    public void Get_And_Search_MinLsn_RoundTrip_AndOldEncodingsDecode()
    {
        Assert.Equal(ulong.MaxValue, RoundTrip(new GetRequest("docs", "a", true, ulong.MaxValue)).MinLsn);
        var search = RoundTrip(new SearchRequest("docs", s_vector, 5, 0, default, false, true, 42));
        Assert.Equal(42UL, search.MinLsn);
        Assert.Equal(5, search.K);
        Assert.True(search.IncludePayload);

        var oldGet = Body((ref MessagePackWriter w) => { w.WriteArrayHeader(3); w.Write("docs"); w.Write("a"); w.Write(true); });
        Assert.Equal(oldGet, MessageCodec.ToArray(new GetRequest("docs", "a", true)));
        Assert.True(MessageCodec.TryDecode<GetRequest>(oldGet, out var get, out var error), error);
        Assert.Equal(0UL, get.MinLsn);
        Assert.True(get.IncludeVector);

        var oldSearch = MessageCodec.ToArray(new SearchRequest("docs", s_vector, 5, 0, default, false, true));
        Assert.Equal(0x97, oldSearch[0]); // array(7)
        Assert.True(MessageCodec.TryDecode<SearchRequest>(oldSearch, out var decodedSearch, out error), error);
        Assert.Equal(0UL, decodedSearch.MinLsn);
    }

    [Fact]
    public void DeleteResponse_Lsn_RoundTrips_AndTheOldOneFieldBodyDecodes()
    {
        var decoded = RoundTrip(new DeleteResponse(true, 77));
        Assert.True(decoded.Deleted);
        Assert.Equal(77UL, decoded.Lsn);
        var old = Body((ref MessagePackWriter w) => { w.WriteArrayHeader(1); w.Write(false); });
        Assert.True(MessageCodec.TryDecode<DeleteResponse>(old, out var oldDecoded, out var error), error);
        Assert.False(oldDecoded.Deleted);
        Assert.Equal(0UL, oldDecoded.Lsn);
    }

    [Fact]
    public void OptionalFields_ReadsTheTrailingField_WithoutDecodingTheMessage()
    {
        var withW = MessageCodec.ToArray(new UpsertRequest("docs", "a", s_vector, new byte[] { 0x81, 0xA1, 0x6B, 0x91, 0x01 }, 7));
        Assert.True(OptionalFields.TryReadUInt64(withW, UpsertRequest.ReplicasField, out var w));
        Assert.Equal(7UL, w);

        var without = MessageCodec.ToArray(new UpsertRequest("docs", "a", s_vector, default));
        Assert.True(OptionalFields.TryReadUInt64(without, UpsertRequest.ReplicasField, out w));
        Assert.Equal(0UL, w);

        var minLsn = MessageCodec.ToArray(new SearchRequest("docs", s_vector, 5, 0, default, false, true, 1UL << 40));
        Assert.True(OptionalFields.TryReadUInt64(minLsn, SearchRequest.MinLsnField, out var lsn));
        Assert.Equal(1UL << 40, lsn);

        Assert.False(OptionalFields.TryReadUInt64(new byte[] { 0xA1, 0x61 }, 0, out _)); // not an array
        Assert.False(OptionalFields.TryReadUInt64(Body((ref MessagePackWriter w) => { w.WriteArrayHeader(2); w.Write("x"); w.Write("y"); }), 1, out _)); // not an integer
        Assert.False(OptionalFields.TryReadUInt64(new byte[] { 0x93, 0xA1 }, 2, out _)); // truncated
    }
}
