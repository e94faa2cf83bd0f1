using AgentDb.Engine.Tests.Support;
using AgentDb.Log;
using static AgentDb.Engine.Tests.Log.WalTestHelpers;

namespace AgentDb.Engine.Tests.Log;

public sealed class TornTailRecoveryTests
{
    private const int EntryCount = 60;

    [Fact]
    public void GarbledLastEntry_IsCutWithAWarning_EarlierEntriesIntact_AndAppendsContinue()
    {
        using var dir = new TempDirectory();
        (string file, long offset) = WriteEntries(dir.Path, EntryCount, lsnToLocate: EntryCount);
        Garble(file, offset + 4 + 40 + 3, 8); // inside the last entry's payload

        var warnings = new List<string>();
        using (var log = FasterLogWriteAheadLog.Open(dir.Path, Options(warning: warnings.Add)))
        {
            string warning = Assert.Single(warnings);
            Assert.Contains("torn tail", warning, StringComparison.Ordinal);
            Assert.Contains($"after LSN {EntryCount - 1}", warning, StringComparison.Ordinal);
            AssertEntries(log, EntryCount - 1);

            Assert.Equal(EntryCount, log.Append(Payload(1000)));
            log.Commit(EntryCount);
        }

        warnings.Clear();
        using (var log = FasterLogWriteAheadLog.Open(dir.Path, Options(warning: warnings.Add)))
        {
            Assert.Empty(warnings); // the cut is remembered: the damaged bytes are skipped, not reported again
            List<LogRecord> records = ReadAll(log);
            Assert.Equal(EntryCount, records.Count);
            AssertPayload(1000, records[^1]);
            Assert.Equal(EntryCount, records[^1].Lsn);
        }
    }

    [Fact]
    public void TruncatedLogFile_IsCutWithAWarning_AndEarlierEntriesIntact()
    {
        using var dir = new TempDirectory();
        (string file, long offset) = WriteEntries(dir.Path, EntryCount, lsnToLocate: EntryCount);
        using (var stream = new FileStream(file, FileMode.Open, FileAccess.Write))
        {
            stream.SetLength(offset + 20); // the last entry loses its end
        }

        var warnings = new List<string>();
        using var log = FasterLogWriteAheadLog.Open(dir.Path, Options(warning: warnings.Add));
        Assert.Contains("torn tail", Assert.Single(warnings), StringComparison.Ordinal);
        AssertEntries(log, EntryCount - 1);
    }

    [Fact]
    public void GarbledLastEntryLengthPrefix_IsCutWithAWarning()
    {
        using var dir = new TempDirectory();
        (string file, long offset) = WriteEntries(dir.Path, EntryCount, lsnToLocate: EntryCount);
        Garble(file, offset, 4); // FASTER's own length field

        var warnings = new List<string>();
        using var log = FasterLogWriteAheadLog.Open(dir.Path, Options(warning: warnings.Add));
        Assert.Single(warnings);
        AssertEntries(log, EntryCount - 1);
    }

    [Fact]
    public void GarbledMiddleEntry_ThrowsLogCorruptedException_NamingTheLsn()
    {
        using var dir = new TempDirectory();
        (string file, long offset) = WriteEntries(dir.Path, EntryCount, lsnToLocate: 25);
        Garble(file, offset + 4 + 40 + 1, 4);

        var warnings = new List<string>();
        LogCorruptedException error = Assert.Throws<LogCorruptedException>(() => FasterLogWriteAheadLog.Open(dir.Path, Options(warning: warnings.Add)));
        Assert.Equal(25, error.Lsn);
        Assert.Contains("LSN 25", error.Message, StringComparison.Ordinal);
        Assert.Equal(file, error.FilePath);
        Assert.Empty(warnings);
    }

    [Fact]
    public void GarbledMiddleEntryLengthPrefix_ThrowsLogCorruptedException_NamingTheLsn()
    {
        using var dir = new TempDirectory();
        (string file, long offset) = WriteEntries(dir.Path, EntryCount, lsnToLocate: 10);
        Garble(file, offset, 4);

        LogCorruptedException error = Assert.Throws<LogCorruptedException>(() => FasterLogWriteAheadLog.Open(dir.Path, Options()));
        Assert.Equal(10, error.Lsn);
    }

    [Fact]
    public void UnreadableCommitRecord_WithEntriesOnDisk_ThrowsInsteadOfStartingEmpty()
    {
        using var dir = new TempDirectory();
        WriteEntries(dir.Path, EntryCount, lsnToLocate: 1);
        foreach (string commit in Directory.EnumerateFiles(Path.Combine(dir.Path, "commits"), "*", SearchOption.AllDirectories))
        {
            File.WriteAllBytes(commit, new byte[new FileInfo(commit).Length]); // zeroed: no commit record can be read
        }

        IOException error = Assert.Throws<IOException>(() => FasterLogWriteAheadLog.Open(dir.Path, Options()));
        Assert.Contains("commit records", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyLog_Reopens_AfterACommitOfNothing()
    {
        using var dir = new TempDirectory();
        using (var log = FasterLogWriteAheadLog.Open(dir.Path, Options()))
        {
            log.TruncateBelow(1);
            log.ForceCommit();
        }

        using (var log = FasterLogWriteAheadLog.Open(dir.Path, Options()))
        {
            Assert.Equal(0, log.LastLsn);
        }
    }

    private static (string File, long Offset) WriteEntries(string path, int count, long lsnToLocate)
    {
        using var log = FasterLogWriteAheadLog.Open(path, Options());
        for (int i = 1; i <= count; i++)
        {
            log.Append(Payload(i));
        }

        log.Commit(count);
        Assert.True(log.TryGetAddress(lsnToLocate, out long address));
        return log.Locate(address);
    }

    private static void Garble(string file, long offset, int length)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite);
        stream.Position = offset;
        byte[] original = new byte[length];
        stream.ReadExactly(original);
        for (int i = 0; i < length; i++)
        {
            original[i] ^= 0x5A;
        }

        stream.Position = offset;
        stream.Write(original);
    }

    private static void AssertEntries(IWriteAheadLog log, int count)
    {
        List<LogRecord> records = ReadAll(log);
        Assert.Equal(count, records.Count);
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(i + 1, records[i].Lsn);
            AssertPayload(i + 1, records[i]);
        }

        Assert.Equal(count, log.LastLsn);
    }
}
