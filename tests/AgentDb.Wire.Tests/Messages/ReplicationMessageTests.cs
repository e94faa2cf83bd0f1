using AgentDb.Wire.Messages;

namespace AgentDb.Wire.Tests.Messages;

/// <summary>The replication messages' own rules: entries follow one another, the window is bounded.</summary>
public sealed class ReplicationMessageTests
{
    [Fact]
    public void ReplEntries_KeepsLsnsAndBytes()
    {
        var message = new ReplEntriesMessage(9, 123, [new ReplicatedEntry(5, 2, new byte[] { 1, 2 }), new ReplicatedEntry(9, 5, new byte[] { 3 })]);
        Assert.True(MessageCodec.TryDecode<ReplEntriesMessage>(MessageCodec.ToArray(message), out var decoded, out var error), error);
        Assert.Equal(9UL, decoded.PrimaryLastLsn);
        Assert.Equal(123, decoded.SentAtUnixMicros);
        Assert.Equal([5UL, 9UL], decoded.Entries.Select(e => e.Lsn));
        Assert.Equal([2UL, 5UL], decoded.Entries.Select(e => e.PreviousLsn));
        Assert.Equal([3], decoded.Entries[1].Entry.ToArray());
    }

    [Theory]
    [InlineData(5, 4, 7, 6)] // the second entry does not follow the first
    [InlineData(5, 5, 6, 5)] // an entry's LSN is not above its predecessor's
    public void ReplEntries_ThatDoNotChain_AreRejected(long lsn1, long previous1, long lsn2, long previous2)
    {
        var message = new ReplEntriesMessage(9, 0,
            [new ReplicatedEntry((ulong)lsn1, (ulong)previous1, new byte[] { 1 }), new ReplicatedEntry((ulong)lsn2, (ulong)previous2, new byte[] { 1 })]);
        Assert.False(MessageCodec.TryDecode<ReplEntriesMessage>(MessageCodec.ToArray(message), out _, out var error));
        Assert.Contains("does not follow", error);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(ReplSubscribeRequest.MaxWindow + 1)]
    public void ReplSubscribe_WindowOutOfRange_IsRejected(int window)
    {
        var bytes = MessageCodec.ToArray(new ReplSubscribeRequest("r", 1, window, 1024));
        Assert.False(MessageCodec.TryDecode<ReplSubscribeRequest>(bytes, out _, out _));
    }
}
