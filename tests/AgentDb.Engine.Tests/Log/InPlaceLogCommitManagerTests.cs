using AgentDb.Engine.Tests.Support;
using AgentDb.Log;
using static AgentDb.Engine.Tests.Log.WalTestHelpers;

namespace AgentDb.Engine.Tests.Log;

/// <summary>The log's commit records: one file, two slots rewritten in place, a torn slot falling back to the other.</summary>
public sealed class InPlaceLogCommitManagerTests
{
    [Fact]
    public void Commits_Alternate_Slots_AndTheNewestValidOneIsListedFirst()
    {
        using var dir = new TempDirectory();
        using (var manager = new InPlaceLogCommitManager(dir.Path))
        {
            Assert.Empty(manager.ListCommits());
            manager.Commit(0, 100, [1, 2, 3], 1, false);
            manager.Commit(0, 200, [4, 5], 2, false);
            manager.Commit(0, 300, [6], 3, false); // overwrites commit 1's slot
        }

        using (var manager = new InPlaceLogCommitManager(dir.Path))
        {
            Assert.Equal([3L, 2L], manager.ListCommits());
            Assert.Equal([6], manager.GetCommitMetadata(3));
            Assert.Equal([4, 5], manager.GetCommitMetadata(2));
            Assert.Null(manager.GetCommitMetadata(1));
        }
    }

    [Fact]
    public void ATornSlot_IsIgnored_AndThePreviousCommitIsUsed()
    {
        using var dir = new TempDirectory();
        using (var manager = new InPlaceLogCommitManager(dir.Path))
        {
            manager.Commit(0, 100, [1, 2, 3], -1, false); // numbered 1: slot 1
            manager.Commit(0, 200, [4, 5, 6], -1, false); // numbered 2: slot 0
        }

        // Flip a byte of commit 2's metadata.
        string file = Path.Combine(dir.Path, InPlaceLogCommitManager.FileName);
        Flip(file, 24 + 1);

        using (var reopened = new InPlaceLogCommitManager(dir.Path))
        {
            Assert.Equal([1L], reopened.ListCommits());
            Assert.Equal([1, 2, 3], reopened.GetCommitMetadata(1));
            Assert.Null(reopened.GetCommitMetadata(2));

            // The next commit is numbered above the newest valid one and goes to the torn slot, not over commit 1.
            reopened.Commit(0, 300, [9], 1, false);
            Assert.Equal([2L, 1L], reopened.ListCommits());
            Assert.Equal([9], reopened.GetCommitMetadata(2));
        }
    }

    [Fact]
    public void ManyReopens_WithCommitsBetween_KeepEveryEntry()
    {
        using var dir = new TempDirectory();
        for (int round = 0; round < 5; round++)
        {
            using var log = FasterLogWriteAheadLog.Open(dir.Path, Options());
            Assert.Equal(round * 10, log.LastLsn);
            for (int i = 1; i <= 10; i++)
            {
                log.Append(Payload((round * 10) + i));
                log.Commit((round * 10) + i);
            }
        }

        using var reopened = FasterLogWriteAheadLog.Open(dir.Path, Options());
        List<LogRecord> records = ReadAll(reopened);
        Assert.Equal(50, records.Count);
        for (int i = 0; i < 50; i++)
        {
            AssertPayload(i + 1, records[i]);
        }
    }

    [Fact]
    public void ACommitAfterDispose_IsSkipped_NotThrown_AndTheFileKeepsTheLastCommit()
    {
        // FASTER can run the truncation commit of a checkpoint at close after the log disposed this manager; throwing
        // inside FASTER's completion left its device waiting for the I/O forever (seen as a hang in the benchmark).
        using var dir = new TempDirectory();
        var manager = new InPlaceLogCommitManager(dir.Path);
        manager.Commit(0, 100, [1], -1, false);
        manager.Dispose();
        manager.Commit(0, 200, [2], -1, false);
        Assert.Empty(manager.ListCommits());
        Assert.Null(manager.GetCommitMetadata(1));

        using var reopened = new InPlaceLogCommitManager(dir.Path);
        Assert.Equal([1L], reopened.ListCommits());
        Assert.Equal([1], reopened.GetCommitMetadata(1));
    }

    [Fact]
    public void Metadata_LargerThanASlot_IsRefused()
    {
        using var dir = new TempDirectory();
        using var manager = new InPlaceLogCommitManager(dir.Path);
        Assert.Throws<IOException>(() => manager.Commit(0, 1, new byte[InPlaceLogCommitManager.SlotBytes], 1, false));
    }

    [Fact]
    public void Log_WithItsNewestCommitRecordTorn_RecoversToThePreviousCommit_WithIntactEntries()
    {
        using var dir = new TempDirectory();
        using (var log = FasterLogWriteAheadLog.Open(dir.Path, Options()))
        {
            for (int i = 1; i <= 30; i++)
            {
                log.Append(Payload(i));
            }

            log.Commit(30);
            for (int i = 31; i <= 60; i++)
            {
                log.Append(Payload(i));
            }

            log.Commit(60);
        }

        string commits = Path.Combine(dir.Path, "commits");
        long newest;
        using (var manager = new InPlaceLogCommitManager(commits))
        {
            newest = manager.ListCommits().First();
        }

        Flip(Path.Combine(commits, InPlaceLogCommitManager.FileName), ((newest & 1) * InPlaceLogCommitManager.SlotBytes) + 24);
        using (var log = FasterLogWriteAheadLog.Open(dir.Path, Options()))
        {
            long last = log.LastLsn;
            Assert.InRange(last, 30, 60);
            List<LogRecord> records = ReadAll(log);
            Assert.Equal(last, records.Count);
            for (int i = 0; i < records.Count; i++)
            {
                Assert.Equal(i + 1, records[i].Lsn);
                AssertPayload(i + 1, records[i]);
            }
        }
    }

    [Fact]
    public void ALogWrittenWithFastersCommitFiles_Opens_AndItsOldCommitFilesGoAfterTheFirstCommit()
    {
        using var dir = new TempDirectory();
        WriteAheadLogOptions legacy = new()
        {
            Durability = DurabilityMode.Sync,
            PageSizeBits = 14,
            MemorySizeBits = 16,
            SegmentSizeBits = 18,
            FasterCommitFiles = true,
        };
        using (var log = FasterLogWriteAheadLog.Open(dir.Path, legacy))
        {
            for (int i = 1; i <= 20; i++)
            {
                log.Append(Payload(i));
            }

            log.Commit(20);
        }

        string commits = Path.Combine(dir.Path, "commits");
        Assert.NotEmpty(Directory.EnumerateFiles(commits, "*", SearchOption.AllDirectories));
        Assert.False(File.Exists(Path.Combine(commits, InPlaceLogCommitManager.FileName)));

        using (var log = FasterLogWriteAheadLog.Open(dir.Path, Options()))
        {
            Assert.Equal(20, log.LastLsn);
            Assert.Equal(21, log.Append(Payload(21)));
            log.Commit(21);
        }

        Assert.Equal(
            [Path.Combine(commits, InPlaceLogCommitManager.FileName)],
            Directory.EnumerateFiles(commits, "*", SearchOption.AllDirectories));
        using (var log = FasterLogWriteAheadLog.Open(dir.Path, Options()))
        {
            List<LogRecord> records = ReadAll(log);
            Assert.Equal(21, records.Count);
            AssertPayload(21, records[^1]);
        }
    }

    private static void Flip(string file, long offset)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite);
        stream.Position = offset;
        int value = stream.ReadByte();
        stream.Position = offset;
        stream.WriteByte((byte)(value ^ 0x5A));
    }
}
