using System.Text;
using AgentDb.Log;

namespace AgentDb.Engine.Tests.Log;

internal static class WalTestHelpers
{
    /// <summary>Small pages so tests cross page boundaries quickly and use little memory.</summary>
    public static WriteAheadLogOptions Options(DurabilityMode mode = DurabilityMode.Sync, Action<string>? warning = null, long minimumNextLsn = 1, bool directIo = true) => new()
    {
        Durability = mode,
        DirectIo = directIo,
        PageSizeBits = 14,
        MemorySizeBits = 16,
        SegmentSizeBits = 18,
        Warning = warning,
        MinimumNextLsn = minimumNextLsn,
    };

    public static byte[] Payload(long i) => Encoding.UTF8.GetBytes($"entry-{i}-" + new string((char)('a' + (i % 26)), (int)(i % 300)));

    public static List<LogRecord> ReadAll(IWriteAheadLog log, long from = 1)
    {
        var records = new List<LogRecord>();
        var enumerator = log.ReadFrom(from).GetAsyncEnumerator();
        try
        {
            while (enumerator.MoveNextAsync().AsTask().GetAwaiter().GetResult())
            {
                records.Add(enumerator.Current);
            }
        }
        finally
        {
            enumerator.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        return records;
    }

    public static void AssertPayload(long expectedIndex, LogRecord record) =>
        Assert.Equal(Payload(expectedIndex), record.Payload.ToArray());
}
