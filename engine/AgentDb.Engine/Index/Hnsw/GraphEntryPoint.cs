namespace AgentDb.Index.Hnsw;

/// <summary>
/// Where searches start: the node on the top level and that level, packed in one <see cref="long"/> so that a reader
/// never pairs one insert's node with another's level. Changed only under <see cref="Lock"/>, which an insertion that
/// may raise the top level holds for its whole duration (as hnswlib's global lock).
/// </summary>
internal sealed class GraphEntryPoint
{
    private const long Empty = -1L; // node -1 on level -1

    private long _packed = Empty;

    public object Lock { get; } = new();

    public static int NodeOf(long packed) => (int)packed;

    public static int LevelOf(long packed) => (int)(packed >> 32);

    public long Read() => Volatile.Read(ref _packed);

    public void Publish(int node, int level) => Volatile.Write(ref _packed, ((long)level << 32) | (uint)node);
}
