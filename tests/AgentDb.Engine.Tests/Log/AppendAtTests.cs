using AgentDb.Engine.Tests.Support;
using AgentDb.Log;
using static AgentDb.Engine.Tests.Log.WalTestHelpers;

namespace AgentDb.Engine.Tests.Log;

/// <summary><see cref="FasterLogWriteAheadLog.AppendAt"/>: appending under an LSN another log assigned.</summary>
public sealed class AppendAtTests
{
    [Fact]
    public void AppendAt_KeepsTheGivenLsns_AcrossSkips_AndReopen()
    {
        using var dir = new TempDirectory();
        using (var log = FasterLogWriteAheadLog.Open(dir.Path, Options()))
        {
            log.AppendAt(1, Payload(1));
            log.AppendAt(2, Payload(2));
            log.AppendAt(7, Payload(7)); // the source log skipped 3..6
            Assert.Equal(8, log.Append(Payload(8)));
            log.ForceCommit();
        }

        using (var log = FasterLogWriteAheadLog.Open(dir.Path, Options()))
        {
            List<LogRecord> records = ReadAll(log);
            Assert.Equal(new long[] { 1, 2, 7, 8 }, records.Select(r => r.Lsn));
            Assert.Equal(new long[] { 0, 1, 2, 7 }, records.Select(r => r.PreviousLsn));
            Assert.Equal(8, log.LastLsn);
            Assert.Throws<ArgumentOutOfRangeException>(() => log.AppendAt(8, Payload(8)));
            Assert.Throws<ArgumentOutOfRangeException>(() => log.AppendAt(3, Payload(3)));
            log.AppendAt(9, Payload(9));
            Assert.Equal(9, log.LastLsn);
        }
    }
}
