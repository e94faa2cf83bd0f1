using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using AgentDb.Server.Network;
using AgentDb.Server.Network.Auth;
using AgentDb.Server.Replication;
using AgentDb.Wire.Frames;

namespace AgentDb.Server.Hosting;

/// <summary>
/// Reads and validates the JSON configuration file. Every problem is reported with its JSON path, e.g.
/// <c>$.apiKeys[1].role: must be "read", "write" or "admin"</c>. Unknown properties are errors (a typo must not be
/// silently ignored); comments and trailing commas are allowed.
/// <code>
/// {
///   "apiKeys": [ { "name": "ingest", "key": "at-least-16-characters", "role": "read" | "write" | "admin" } ],
///   "limits": {
///     "maxConnections": 1024,            // 1–100000
///     "maxInFlightPerConnection": 128,   // 1–65536
///     "maxFrameBytes": 16777216,         // 1024–1073741824
///     "idleTimeoutSeconds": 300,         // 0 (never) – 86400
///     "shutdownTimeoutSeconds": 10       // 0–3600
///   },
///   "tls": { "certificate": "server.pem", "key": "server.key" },  // key only for PEM without the key inside
///   "replication": {
///     "replicaOf": "host:port",          // follow this primary (absent: this server is a primary)
///     "key": "at-least-16-characters",   // the key presented to the primary (role replication or admin)
///     "replicaId": "replica-1",          // this replica's stable name (default: machine and data directory)
///     "window": 8,                       // 1–1024 unacknowledged batches
///     "maxBatchBytes": 1048576,          // 1024–1073741824
///     "syncReplicas": 0,                 // primary: replicas that must acknowledge each write (0: async), 0–16
///     "syncTimeoutMs": 5000,             // primary: how long a write waits for them, 1–600000
///     "minLsnWaitMs": 2000               // how long a read with minLsn waits for that LSN to be applied, 0–600000
///   },
///   "cluster": {                         // a failover cluster member (excludes replication.replicaOf)
///     "node": "10.0.0.1:7001",           // this member's Raft endpoint (IP or localhost), required
///     "peers": ["10.0.0.2:7001"],        // the other members' Raft endpoints, at least one
///     "advertise": "10.0.0.1:4433",      // this member's protocol address for the others and clients, required
///     "lowerElectionTimeoutMs": 150,     // 10–60000
///     "upperElectionTimeoutMs": 300      // above the lower bound, ≤ 60000
///   },
///   "embedder": "minilm" | "hashing" | "hashing-DIM" | "onnx:MODEL_PATH:VOCAB_PATH"
/// }
/// </code>
/// Every property is optional.
/// </summary>
internal static class ServerConfigLoader
{
    private static readonly JsonDocumentOptions s_options = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        MaxDepth = 16,
    };

    public static bool TryLoad(string path, [NotNullWhen(true)] out ServerConfig? config, [NotNullWhen(false)] out string? error)
    {
        config = null;
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"cannot read config file {path}: {e.Message}";
            return false;
        }
        if (!TryParse(text, out config, out var problem))
        {
            error = $"config file {path}: {problem}";
            return false;
        }
        if (config.Tls is { } tls)
        {
            // Relative certificate paths name files beside the config file, wherever the server was started from.
            var folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
            config = config with
            {
                Tls = new TlsSettings(
                    Path.GetFullPath(tls.CertificateFile, folder),
                    tls.KeyFile is null ? null : Path.GetFullPath(tls.KeyFile, folder)),
            };
        }
        error = null;
        return true;
    }

    public static bool TryParse(string json, [NotNullWhen(true)] out ServerConfig? config, [NotNullWhen(false)] out string? error)
    {
        config = null;
        try
        {
            using var document = JsonDocument.Parse(json, s_options);
            config = Read(document.RootElement);
            error = null;
            return true;
        }
        catch (JsonException e)
        {
            error = $"not valid JSON: {e.Message}";
        }
        catch (ConfigException e)
        {
            error = e.Message;
        }
        return false;
    }

    private static ServerConfig Read(JsonElement root)
    {
        RequireObject(root, "$");
        var keys = new List<ApiKey>();
        var limits = ServerLimits.Default;
        var replication = ReplicationSettings.Default;
        TlsSettings? tls = null;
        EmbedderSpec? embedder = null;
        Failover.ClusterOptions? cluster = null;
        foreach (var property in root.EnumerateObject())
        {
            switch (property.Name)
            {
                case "apiKeys":
                    keys = ReadKeys(property.Value, "$.apiKeys");
                    break;
                case "limits":
                    limits = ReadLimits(property.Value, "$.limits");
                    break;
                case "replication":
                    replication = ReadReplication(property.Value, "$.replication");
                    break;
                case "tls":
                    tls = ReadTls(property.Value, "$.tls");
                    break;
                case "cluster":
                    cluster = ReadCluster(property.Value, "$.cluster");
                    break;
                case "embedder":
                    var value = RequireString(property.Value, "$.embedder");
                    if (!EmbedderSpec.TryParse(value, out embedder, out var problem))
                    {
                        throw new ConfigException($"$.embedder: {problem}, not \"{value}\"");
                    }
                    break;
                default:
                    throw Unknown(property.Name, "$", "apiKeys, limits, tls, replication, cluster, embedder");
            }
        }
        if (cluster is not null && replication.ReplicaOf is not null)
        {
            throw new ConfigException("$.cluster and $.replication.replicaOf exclude each other: a cluster member follows whichever member is elected primary");
        }
        return new ServerConfig(keys, limits) { Tls = tls, Replication = replication, Embedder = embedder, Cluster = cluster };
    }

    private static TlsSettings ReadTls(JsonElement element, string path)
    {
        RequireObject(element, path);
        string? certificate = null, key = null;
        foreach (var property in element.EnumerateObject())
        {
            switch (property.Name)
            {
                case "certificate": certificate = RequirePath(property.Value, $"{path}.certificate"); break;
                case "key": key = RequirePath(property.Value, $"{path}.key"); break;
                default: throw Unknown(property.Name, path, "certificate, key");
            }
        }
        if (certificate is null)
        {
            throw new ConfigException($"{path}: needs \"certificate\" (a PEM or PKCS#12 file)");
        }
        return new TlsSettings(certificate, key);
    }

    private static string RequirePath(JsonElement element, string path)
    {
        var value = RequireString(element, path);
        if (value.Length == 0 || value.AsSpan().IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            throw new ConfigException($"{path}: must be a file path");
        }
        return value;
    }

    private static List<ApiKey> ReadKeys(JsonElement array, string path)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw new ConfigException($"{path}: must be an array of {{\"name\", \"key\", \"role\"}} objects");
        }
        var keys = new List<ApiKey>();
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            var at = $"{path}[{index++}]";
            RequireObject(item, at);
            string? name = null, secret = null, roleText = null;
            foreach (var property in item.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "name": name = RequireString(property.Value, $"{at}.name"); break;
                    case "key": secret = RequireString(property.Value, $"{at}.key"); break;
                    case "role": roleText = RequireString(property.Value, $"{at}.role"); break;
                    default: throw Unknown(property.Name, at, "name, key, role");
                }
            }
            if (name is null || secret is null || roleText is null)
            {
                throw new ConfigException($"{at}: needs \"name\", \"key\" and \"role\"");
            }
            if (ApiKey.CheckName(name) is { } badName)
            {
                throw new ConfigException($"{at}.name: {badName}");
            }
            if (ApiKey.CheckSecret(secret) is { } badSecret)
            {
                throw new ConfigException($"{at}.key: {badSecret}");
            }
            if (!ApiKey.TryParseRole(roleText, out var role))
            {
                throw new ConfigException($"{at}.role: must be \"read\", \"write\", \"admin\" or \"replication\", not \"{roleText}\"");
            }
            keys.Add(new ApiKey(name, secret, role));
        }
        return keys;
    }

    private static ServerLimits ReadLimits(JsonElement element, string path)
    {
        RequireObject(element, path);
        var limits = ServerLimits.Default;
        foreach (var property in element.EnumerateObject())
        {
            var at = $"{path}.{property.Name}";
            limits = property.Name switch
            {
                "maxConnections" => limits with { MaxConnections = RequireInt(property.Value, at, 1, 100_000) },
                "maxInFlightPerConnection" => limits with { MaxInFlightPerConnection = RequireInt(property.Value, at, 1, 65_536) },
                "maxFrameBytes" => limits with { MaxFrameBytes = RequireInt(property.Value, at, 1024, 1 << 30) },
                "idleTimeoutSeconds" => limits with { IdleTimeout = TimeSpan.FromSeconds(RequireInt(property.Value, at, 0, 86_400)) },
                "shutdownTimeoutSeconds" => limits with { ShutdownTimeout = TimeSpan.FromSeconds(RequireInt(property.Value, at, 0, 3_600)) },
                _ => throw Unknown(property.Name, path,
                    "maxConnections, maxInFlightPerConnection, maxFrameBytes, idleTimeoutSeconds, shutdownTimeoutSeconds"),
            };
        }
        if (limits.MaxFrameBytes < FrameHeader.Size)
        {
            throw new ConfigException($"{path}.maxFrameBytes: must be at least {FrameHeader.Size}");
        }
        return limits;
    }

    private static ReplicationSettings ReadReplication(JsonElement element, string path)
    {
        RequireObject(element, path);
        var settings = ReplicationSettings.Default;
        foreach (var property in element.EnumerateObject())
        {
            var at = $"{path}.{property.Name}";
            switch (property.Name)
            {
                case "replicaOf":
                    var address = RequireString(property.Value, at);
                    if (ReplicationSettings.CheckAddress(address) is { } badAddress)
                    {
                        throw new ConfigException($"{at}: {badAddress}");
                    }
                    settings = settings with { ReplicaOf = address };
                    break;
                case "key":
                    var key = RequireString(property.Value, at);
                    if (ApiKey.CheckSecret(key) is { } badKey)
                    {
                        throw new ConfigException($"{at}: {badKey}");
                    }
                    settings = settings with { Key = key };
                    break;
                case "replicaId":
                    var id = RequireString(property.Value, at);
                    if (ApiKey.CheckName(id) is { } badId)
                    {
                        throw new ConfigException($"{at}: {badId}");
                    }
                    settings = settings with { ReplicaId = id };
                    break;
                case "window":
                    settings = settings with { Window = RequireInt(property.Value, at, 1, 1024) };
                    break;
                case "maxBatchBytes":
                    settings = settings with { MaxBatchBytes = RequireInt(property.Value, at, 1024, 1 << 30) };
                    break;
                case "syncReplicas":
                    settings = settings with { SyncReplicas = RequireInt(property.Value, at, 0, 16) };
                    break;
                case "syncTimeoutMs":
                    settings = settings with { SyncTimeout = TimeSpan.FromMilliseconds(RequireInt(property.Value, at, 1, 600_000)) };
                    break;
                case "minLsnWaitMs":
                    settings = settings with { MinLsnWait = TimeSpan.FromMilliseconds(RequireInt(property.Value, at, 0, 600_000)) };
                    break;
                default:
                    throw Unknown(property.Name, path, "replicaOf, key, replicaId, window, maxBatchBytes, syncReplicas, syncTimeoutMs, minLsnWaitMs");
            }
        }
        return settings;
    }

    /// <summary><c>{"node": "host:raftPort", "peers": ["host:raftPort", ...], "advertise": "host:port", "lowerElectionTimeoutMs": 150, "upperElectionTimeoutMs": 300}</c>.</summary>
    private static Failover.ClusterOptions ReadCluster(JsonElement element, string path)
    {
        RequireObject(element, path);
        string? node = null;
        string? advertise = null;
        var peers = new List<string>();
        int lower = 150, upper = 300;
        foreach (var property in element.EnumerateObject())
        {
            var at = $"{path}.{property.Name}";
            switch (property.Name)
            {
                case "node":
                    node = RequireString(property.Value, at);
                    break;
                case "advertise":
                    advertise = RequireString(property.Value, at);
                    break;
                case "peers":
                    if (property.Value.ValueKind != JsonValueKind.Array)
                    {
                        throw new ConfigException($"{at}: must be an array of \"host:port\" strings");
                    }
                    foreach (var peer in property.Value.EnumerateArray())
                    {
                        peers.Add(RequireString(peer, at));
                    }
                    break;
                case "lowerElectionTimeoutMs":
                    lower = RequireInt(property.Value, at, 10, 60_000);
                    break;
                case "upperElectionTimeoutMs":
                    upper = RequireInt(property.Value, at, 11, 60_000);
                    break;
                default:
                    throw Unknown(property.Name, path, "node, peers, advertise, lowerElectionTimeoutMs, upperElectionTimeoutMs");
            }
        }
        if (node is null || advertise is null)
        {
            throw new ConfigException($"{path}: \"node\" and \"advertise\" are required");
        }
        var options = new Failover.ClusterOptions { Node = node, Peers = peers, Advertise = advertise, LowerElectionTimeoutMs = lower, UpperElectionTimeoutMs = upper };
        if (options.Validate() is { } problem)
        {
            throw new ConfigException($"{path}: {problem}");
        }
        return options;
    }

    private static void RequireObject(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new ConfigException($"{path}: must be an object");
        }
    }

    private static string RequireString(JsonElement element, string path) =>
        element.ValueKind == JsonValueKind.String
            ? element.GetString()!
            : throw new ConfigException($"{path}: must be a string");

    private static int RequireInt(JsonElement element, string path, int min, int max)
    {
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out var value))
        {
            throw new ConfigException($"{path}: must be a whole number");
        }
        if (value < min || value > max)
        {
            throw new ConfigException($"{path}: must be between {min} and {max}, not {value}");
        }
        return (int)value;
    }

    private static ConfigException Unknown(string name, string path, string known) =>
        new($"{path}: unknown property \"{name}\" (known: {known})");

    private sealed class ConfigException : Exception
    {
        public ConfigException(string message)
            : base(message)
        {
        }
    }
}
