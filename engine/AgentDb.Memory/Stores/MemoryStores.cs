using System.IO.Hashing;
using System.Text;
using System.Text.Json;

namespace AgentDb.Memory.Stores;

/// <summary>
/// The stores behind one memory directory and the routing of each kind of memory (and each session) to its store.
/// Directory layout: <c>LAYOUT.json</c> (the layout, the embedder's name and dimension) and <c>stores/&lt;name&gt;/</c>,
/// one <see cref="AgentDatabase"/> each: <c>main</c>, or with functional shards <c>reflexion</c>, <c>skills</c>,
/// <c>causal</c>, <c>graph</c>; session shard <c>s ≥ 1</c> of reflexion is <c>&lt;base&gt;-shard&lt;s&gt;</c>.
/// Thread-safe; disposing closes every store.
/// </summary>
public sealed class MemoryStores : IDisposable
{
    /// <summary>The layout file's name in the memory directory.</summary>
    public const string LayoutFileName = "LAYOUT.json";

    private const int LayoutVersion = 1;
    private readonly AgentDatabase[] _all;
    private readonly AgentDatabase[][] _byKind;
    private readonly bool _ownsStores;
    private int _disposed;

    private MemoryStores(string path, MemoryStoreLayout layout, AgentDatabase[] all, AgentDatabase[][] byKind, bool ownsStores = true)
    {
        Path = path;
        Layout = layout;
        _all = all;
        _byKind = byKind;
        _ownsStores = ownsStores;
    }

    /// <summary>The memory directory.</summary>
    public string Path { get; }

    /// <summary>The layout the directory was created with.</summary>
    public MemoryStoreLayout Layout { get; }

    /// <summary>Every distinct store, each once.</summary>
    public IReadOnlyList<AgentDatabase> All => _all;

    /// <summary>
    /// Opens (or creates) the memory directory at <paramref name="path"/>. A directory created earlier must have been
    /// created with the same layout and an embedder of the same name and dimension.
    /// </summary>
    /// <exception cref="InvalidOperationException">The directory's layout, embedder or dimension differs.</exception>
    /// <exception cref="InvalidDataException">The layout file is unreadable.</exception>
    public static MemoryStores Open(string path, MemoryStoreLayout layout, string embedderName, int dimension, AgentDatabaseOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentException.ThrowIfNullOrEmpty(embedderName);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        layout.Validate();
        path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(path);
        CheckOrWriteLayout(path, layout, embedderName, dimension);

        var names = new List<string>();
        var byKindNames = new string[4][];
        foreach (MemoryKind kind in Enum.GetValues<MemoryKind>())
        {
            string baseName = layout.Functional ? kind.ToString().ToLowerInvariant() : "main";
            int shards = kind == MemoryKind.Reflexion ? layout.SessionShards : 1;
            var kindNames = new string[shards];
            for (int s = 0; s < shards; s++)
            {
                kindNames[s] = s == 0 ? baseName : $"{baseName}-shard{s}";
                if (!names.Contains(kindNames[s]))
                {
                    names.Add(kindNames[s]);
                }
            }

            byKindNames[(int)kind] = kindNames;
        }

        var opened = new Dictionary<string, AgentDatabase>(StringComparer.Ordinal);
        try
        {
            foreach (string name in names)
            {
                opened[name] = AgentDatabase.Open(System.IO.Path.Combine(path, "stores", name), options);
            }
        }
        catch
        {
            foreach (AgentDatabase db in opened.Values)
            {
                db.Dispose();
            }

            throw;
        }

        var all = new AgentDatabase[names.Count];
        for (int i = 0; i < names.Count; i++)
        {
            all[i] = opened[names[i]];
        }

        var byKind = new AgentDatabase[4][];
        for (int k = 0; k < 4; k++)
        {
            byKind[k] = new AgentDatabase[byKindNames[k].Length];
            for (int s = 0; s < byKind[k].Length; s++)
            {
                byKind[k][s] = opened[byKindNames[k][s]];
            }
        }

        return new MemoryStores(path, layout, all, byKind);
    }

    /// <summary>
    /// Every kind of memory in <paramref name="database"/>, a database the caller opened and keeps (unsharded; disposing
    /// the stores leaves it open). Its collections are named <c>mem.*</c>, beside the caller's own; written through the
    /// database's log, they are replicated with it.
    /// </summary>
    public static MemoryStores Attach(AgentDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        var byKind = new AgentDatabase[4][];
        for (int k = 0; k < byKind.Length; k++)
        {
            byKind[k] = [database];
        }

        return new MemoryStores(database.Path, new MemoryStoreLayout(), [database], byKind, ownsStores: false);
    }

    /// <summary>How many stores <paramref name="kind"/> is partitioned across (1 except for sharded reflexion).</summary>
    public int ShardCount(MemoryKind kind) => _byKind[(int)kind].Length;

    /// <summary>Shard <paramref name="shard"/> of <paramref name="kind"/>.</summary>
    public AgentDatabase Shard(MemoryKind kind, int shard)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _byKind[(int)kind][shard];
    }

    /// <summary>The store of <paramref name="kind"/> (its shard 0 when partitioned).</summary>
    public AgentDatabase Store(MemoryKind kind) => Shard(kind, 0);

    /// <summary>The shard that holds <paramref name="sessionId"/>'s memories of <paramref name="kind"/> (0 for no session).</summary>
    public int ShardOf(MemoryKind kind, string? sessionId)
    {
        int shards = _byKind[(int)kind].Length;
        if (shards == 1 || string.IsNullOrEmpty(sessionId))
        {
            return 0;
        }

        Span<byte> utf8 = sessionId.Length <= 256 ? stackalloc byte[sessionId.Length * 3] : new byte[Encoding.UTF8.GetMaxByteCount(sessionId.Length)];
        int length = Encoding.UTF8.GetBytes(sessionId, utf8);
        return (int)(XxHash32.HashToUInt32(utf8[..length]) % (uint)shards);
    }

    /// <summary>The store that holds <paramref name="sessionId"/>'s memories of <paramref name="kind"/>.</summary>
    public AgentDatabase ForSession(MemoryKind kind, string? sessionId) => Shard(kind, ShardOf(kind, sessionId));

    /// <summary>Closes every store (not a database given to <see cref="Attach"/>: its owner closes it).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0 || !_ownsStores)
        {
            return;
        }

        foreach (AgentDatabase db in _all)
        {
            db.Dispose();
        }
    }

    private static void CheckOrWriteLayout(string path, MemoryStoreLayout layout, string embedderName, int dimension)
    {
        string file = System.IO.Path.Combine(path, LayoutFileName);
        if (File.Exists(file))
        {
            LayoutFile? stored;
            try
            {
                stored = JsonSerializer.Deserialize<LayoutFile>(File.ReadAllText(file));
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"The memory layout file '{file}' is not valid JSON: {e.Message}", e);
            }

            if (stored is null || stored.Version != LayoutVersion)
            {
                throw new InvalidDataException($"The memory layout file '{file}' has an unknown version (expected {LayoutVersion}).");
            }

            if (stored.Functional != layout.Functional || stored.SessionShards != layout.SessionShards)
            {
                throw new InvalidOperationException(
                    $"The memory directory '{path}' was created with Functional={stored.Functional}, SessionShards={stored.SessionShards}; " +
                    $"it cannot be opened with Functional={layout.Functional}, SessionShards={layout.SessionShards}.");
            }

            if (stored.Embedder != embedderName || stored.Dimension != dimension)
            {
                throw new InvalidOperationException(
                    $"The memory directory '{path}' holds vectors of embedder '{stored.Embedder}' ({stored.Dimension} dimensions); " +
                    $"it cannot be opened with embedder '{embedderName}' ({dimension} dimensions).");
            }

            return;
        }

        string temp = file + ".tmp";
        var content = new LayoutFile(LayoutVersion, layout.Functional, layout.SessionShards, embedderName, dimension);
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, content);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, file, overwrite: true);
    }

    private sealed record LayoutFile(int Version, bool Functional, int SessionShards, string Embedder, int Dimension);
}
