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

    [Fact]
    public void ReplEntries_KeepsCommitTimes()
    {
        var message = new ReplEntriesMessage(9, 123, [new ReplicatedEntry(5, 2, new byte[] { 1 }), new ReplicatedEntry(9, 5, new byte[] { 3 })],
            [new ReplCommitTime(5, 100), new ReplCommitTime(9, 110)]);
        Assert.True(MessageCodec.TryDecode<ReplEntriesMessage>(MessageCodec.ToArray(message), out var decoded, out var error), error);
        Assert.Equal([new ReplCommitTime(5, 100), new ReplCommitTime(9, 110)], decoded.Commits);
        Assert.Equal([5UL, 9UL], decoded.Entries.Select(e => e.Lsn));
    }

    [Fact]
    public void ReplEntries_WithoutCommitTimes_IsTheThreeFieldBody_AndDecodesWithNone()
    {
        // What a primary before commit times sends, and what this one sends when it has none: array(3).
        var bytes = MessageCodec.ToArray(new ReplEntriesMessage(9, 123, [new ReplicatedEntry(5, 2, new byte[] { 1 })]));
        Assert.Equal(0x93, bytes[0]);
        Assert.True(MessageCodec.TryDecode<ReplEntriesMessage>(bytes, out var decoded, out var error), error);
        Assert.Empty(decoded.Commits);
    }

    [Fact]
    public void ReplEntries_WithCommitTimes_IsFourFields_ThatAnOlderReaderSkips()
    {
        var bytes = MessageCodec.ToArray(new ReplEntriesMessage(9, 123, [new ReplicatedEntry(5, 2, new byte[] { 1 })], [new ReplCommitTime(5, 100)]));
        Assert.Equal(0x94, bytes[0]);
        // A fifth field (a later version) is skipped in turn.
        var extended = bytes.ToArray();
        extended[0] = 0x95;
        extended = [.. extended, 0xC0];
        Assert.True(MessageCodec.TryDecode<ReplEntriesMessage>(extended, out var decoded, out var error), error);
        Assert.Equal([new ReplCommitTime(5, 100)], decoded.Commits);
    }

    [Theory]
    [InlineData(5, 5)] // not increasing
    [InlineData(9, 5)] // decreasing
    public void ReplEntries_CommitTimesOutOfOrder_AreRejected(long first, long second)
    {
        var message = new ReplEntriesMessage(9, 0, [new ReplicatedEntry(5, 2, new byte[] { 1 }), new ReplicatedEntry(9, 5, new byte[] { 1 })],
            [new ReplCommitTime((ulong)first, 1), new ReplCommitTime((ulong)second, 2)]);
        Assert.False(MessageCodec.TryDecode<ReplEntriesMessage>(MessageCodec.ToArray(message), out _, out var error));
        Assert.Contains("is not above the commit before it", error);
    }

    [Fact]
    public void ReplEntries_MoreCommitTimesThanEntries_AreRejected()
    {
        var message = new ReplEntriesMessage(9, 0, [new ReplicatedEntry(5, 2, new byte[] { 1 })],
            [new ReplCommitTime(3, 1), new ReplCommitTime(5, 2)]);
        Assert.False(MessageCodec.TryDecode<ReplEntriesMessage>(MessageCodec.ToArray(message), out _, out var error));
        Assert.Contains("commits has 2 entries", error);
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
