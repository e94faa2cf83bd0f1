using AgentDb.Log;
using MessagePack;

namespace AgentDb.Engine.Tests.Storage;

internal static class DatabaseTestHelpers
{
    /// <summary>Small log pages and memory so each test database is cheap.</summary>
    public static AgentDatabaseOptions Options(DurabilityMode mode = DurabilityMode.Group, Action<string>? warning = null, int maxPayload = 64 * 1024) => new()
    {
        Durability = mode,
        LogPageSizeBits = 20,
        LogMemorySizeBits = 22,
        MaxPayloadBytes = maxPayload,
        Warning = warning,
    };

    public static byte[] Payload(string ns, string session, params string[] tags) =>
        MessagePackSerializer.Serialize(new Dictionary<string, object> { ["namespace"] = ns, ["session"] = session, ["tags"] = tags, ["n"] = 7 });

    public static float[] Vector(int dimension, int seed)
    {
        var random = new Random(seed);
        float[] vector = new float[dimension];
        for (int i = 0; i < dimension; i++)
        {
            vector[i] = (float)(random.NextDouble() * 2 - 1);
        }

        return vector;
    }
}
