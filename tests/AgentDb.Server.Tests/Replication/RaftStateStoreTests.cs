using AgentDb.Failover;
using DotNext.Net.Cluster;
using DotNext.Net.Cluster.Consensus.Raft;

namespace AgentDb.Server.Tests.Replication;

/// <summary>The Raft term and vote survive a restart (DotNext's write-ahead log), and damage is refused, never read as term 0.</summary>
public sealed class RaftStateStoreTests
{
    private static readonly ClusterMemberId s_candidateA = new(new Random(1));
    private static readonly ClusterMemberId s_candidateB = new(new Random(2));

    [Fact]
    public async Task TermAndVote_SurviveAReopen_SoASecondCandidateOfTheSameTermIsRefused()
    {
        using var temp = new TempDirectory();
        var directory = Path.Combine(temp.Path, RaftStateStore.DirectoryName);
        await using (var log = await RaftStateStore.OpenAsync(directory, minimumTerm: 3, CancellationToken.None))
        {
            IPersistentState state = log;
            Assert.Equal(3, state.Term);
            await state.UpdateTermAsync(5, resetLastVote: true, CancellationToken.None);
            await state.UpdateVotedForAsync(s_candidateA, CancellationToken.None);
            Assert.False(state.IsVotedFor(s_candidateB));
        }
        await using (var reopened = await RaftStateStore.OpenAsync(directory, minimumTerm: 3, CancellationToken.None))
        {
            IPersistentState state = reopened;
            Assert.Equal(5, state.Term);
            Assert.True(state.IsVotedFor(s_candidateA));
            Assert.False(state.IsVotedFor(s_candidateB)); // in memory only (ConsensusOnlyState) this would be true: a second vote
        }
    }

    [Fact]
    public async Task AHigherLogEpoch_RaisesTheTerm_AndClearsTheVote()
    {
        using var temp = new TempDirectory();
        var directory = Path.Combine(temp.Path, RaftStateStore.DirectoryName);
        await using (var log = await RaftStateStore.OpenAsync(directory, 0, CancellationToken.None))
        {
            IPersistentState state = log;
            await state.UpdateTermAsync(2, resetLastVote: true, CancellationToken.None);
            await state.UpdateVotedForAsync(s_candidateA, CancellationToken.None);
        }
        await using (var reopened = await RaftStateStore.OpenAsync(directory, minimumTerm: 9, CancellationToken.None))
        {
            IPersistentState state = reopened;
            Assert.Equal(9, state.Term);
            Assert.True(state.IsVotedFor(s_candidateB));
        }
        Assert.Equal(9, RaftStateFile.Load(Path.Combine(directory, RaftStateFile.FileName)));
    }

    [Fact]
    public void TermFloor_RoundTrips_AndAMissingFileIsNull()
    {
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Path, RaftStateFile.FileName);
        Assert.Null(RaftStateFile.Load(path));
        RaftStateFile.Save(path, 41);
        Assert.Equal(41, RaftStateFile.Load(path));
        RaftStateFile.Save(path, long.MaxValue);
        Assert.Equal(long.MaxValue, RaftStateFile.Load(path));
        Assert.Equal(RaftStateFile.Size, new FileInfo(path).Length);
        Assert.False(File.Exists(path + ".tmp"));
        Assert.Throws<ArgumentOutOfRangeException>(() => RaftStateFile.Save(path, -1));
    }

    [Theory]
    [InlineData(0)]   // magic
    [InlineData(4)]   // version
    [InlineData(6)]   // reserved
    [InlineData(8)]   // term
    [InlineData(15)]  // term, high byte
    [InlineData(16)]  // checksum
    [InlineData(23)]
    public void TermFloor_AnyFlippedByte_IsRefusedNamingTheFile(int offset)
    {
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Path, RaftStateFile.FileName);
        RaftStateFile.Save(path, 7);
        var bytes = File.ReadAllBytes(path);
        bytes[offset] ^= 0x40;
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<InvalidDataException>(() => RaftStateFile.Load(path));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(12)]
    [InlineData(23)]
    [InlineData(25)]
    public void TermFloor_ATornOrPaddedFile_IsRefused(int length)
    {
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Path, RaftStateFile.FileName);
        RaftStateFile.Save(path, 7);
        var bytes = File.ReadAllBytes(path);
        Array.Resize(ref bytes, length);
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<InvalidDataException>(() => RaftStateFile.Load(path));
        Assert.Contains($"{length} bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TermFloor_ALeftoverTemporaryFile_IsIgnored()
    {
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Path, RaftStateFile.FileName);
        RaftStateFile.Save(path, 7);
        File.WriteAllBytes(path + ".tmp", [1, 2, 3]); // a crash between the write and the rename
        Assert.Equal(7, RaftStateFile.Load(path));
    }

    [Fact]
    public async Task ALostStateFile_WithAFloor_IsRefused_NotResetToTermZero()
    {
        using var temp = new TempDirectory();
        var directory = Path.Combine(temp.Path, RaftStateStore.DirectoryName);
        await using (var log = await RaftStateStore.OpenAsync(directory, minimumTerm: 4, CancellationToken.None))
        {
        }
        File.Delete(Path.Combine(directory, RaftStateStore.StateFileName));
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => RaftStateStore.OpenAsync(directory, 0, CancellationToken.None));
        Assert.Contains("is missing", error.Message, StringComparison.Ordinal);
        Assert.Contains("records term 4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStateFileBelowTheFloor_OrMalformed_IsRefused()
    {
        using var temp = new TempDirectory();
        var directory = Path.Combine(temp.Path, RaftStateStore.DirectoryName);
        await using (var log = await RaftStateStore.OpenAsync(directory, minimumTerm: 6, CancellationToken.None))
        {
            await ((IPersistentState)log).UpdateVotedForAsync(s_candidateA, CancellationToken.None);
        }
        var statePath = Path.Combine(directory, RaftStateStore.StateFileName);
        var good = File.ReadAllBytes(statePath);
        Assert.Equal(RaftStateStore.StateFileSize, good.Length);
        Assert.Equal(6, RaftStateStore.Check(directory));

        var zeroed = (byte[])good.Clone();
        Array.Clear(zeroed, 29, 8); // the term reset to 0: below the floor
        File.WriteAllBytes(statePath, zeroed);
        var below = Assert.Throws<InvalidDataException>(() => RaftStateStore.Check(directory));
        Assert.Contains("below the 6", below.Message, StringComparison.Ordinal);

        var flag = (byte[])good.Clone();
        flag[0] = 7;
        File.WriteAllBytes(statePath, flag);
        Assert.Contains("vote flag 7", Assert.Throws<InvalidDataException>(() => RaftStateStore.Check(directory)).Message, StringComparison.Ordinal);

        File.WriteAllBytes(statePath, good.AsSpan(0, 20).ToArray());
        Assert.Contains("20 bytes", Assert.Throws<InvalidDataException>(() => RaftStateStore.Check(directory)).Message, StringComparison.Ordinal);

        File.WriteAllBytes(statePath, good);
        await using var reopened = await RaftStateStore.OpenAsync(directory, 0, CancellationToken.None);
        Assert.True(((IPersistentState)reopened).IsVotedFor(s_candidateA));
        Assert.False(((IPersistentState)reopened).IsVotedFor(s_candidateB));
    }
}
