using System.Globalization;

namespace AgentDb.Memory.Graph;

/// <summary>Generated node and edge ids: 16 hex digits of Unix milliseconds then 16 random hex digits, so ids sort by creation time.</summary>
internal static class GraphIds
{
    public static string New()
    {
        long ms = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        ulong random = (ulong)Random.Shared.NextInt64() ^ ((ulong)Random.Shared.Next() << 63);
        return string.Create(32, (ms, random), static (span, state) =>
        {
            state.ms.TryFormat(span, out _, "x16", CultureInfo.InvariantCulture);
            state.random.TryFormat(span[16..], out _, "x16", CultureInfo.InvariantCulture);
        });
    }
}
