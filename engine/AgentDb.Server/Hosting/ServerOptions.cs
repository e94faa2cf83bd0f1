using AgentDb.Server.Network.Auth;

namespace AgentDb.Server.Hosting;

/// <summary>The validated settings of <c>agentdb serve</c>.</summary>
/// <param name="DataDirectory">Where the database lives, as given (relative paths are resolved by the server).</param>
/// <param name="Host">The address to listen on: an IP literal or a host name.</param>
/// <param name="Port">The protocol's TCP port, 0–65535 (0: any free port, reported in the ready line).</param>
/// <param name="ConfigFile">An optional configuration file, as given; null when none was named.</param>
internal sealed record ServerOptions(string DataDirectory, string Host, int Port, string? ConfigFile)
{
    /// <summary>The data directory when neither <c>--data</c> nor <c>AGENTDB_DATA</c> is given.</summary>
    public const string DefaultDataDirectory = "./data";

    /// <summary>The listen address when neither <c>--host</c> nor <c>AGENTDB_HOST</c> is given: loopback only.</summary>
    public const string DefaultHost = "127.0.0.1";

    /// <summary>The listen port when neither <c>--port</c> nor <c>AGENTDB_PORT</c> is given.</summary>
    public const int DefaultPort = 4433;

    /// <summary>The HTTP ops port when neither <c>--http-port</c> nor <c>AGENTDB_HTTP_PORT</c> is given.</summary>
    public const int DefaultHttpPort = 8080;

    /// <summary>The settings used when nothing overrides them.</summary>
    public static ServerOptions Default { get; } = new(DefaultDataDirectory, DefaultHost, DefaultPort, null);

    /// <summary>The HTTP ops endpoints' TCP port (same address as <see cref="Host"/>), 0–65535.</summary>
    public int HttpPort { get; init; } = DefaultHttpPort;

    /// <summary>Keys from <c>AGENTDB_API_KEYS</c>, added to those of the config file.</summary>
    public IReadOnlyList<ApiKey> EnvironmentApiKeys { get; init; } = [];

    /// <summary>The agent memory's embedder from <c>--embedder</c> or <c>AGENTDB_EMBEDDER</c>; null when neither names
    /// one (then the config file's, else MiniLM).</summary>
    public EmbedderSpec? Embedder { get; init; }
    /// <summary>The primary to follow (<c>--replica-of</c> or <c>AGENTDB_REPLICA_OF</c>), <c>host:port</c>; null: as the config file says.</summary>
    public string? ReplicaOf { get; init; }

    /// <summary>The failover cluster from <c>--cluster-node</c>/<c>--cluster-peers</c>/<c>--cluster-advertise</c> (or
    /// their environment variables); null: as the config file says (no <c>cluster</c> section: not a cluster member).</summary>
    public Failover.ClusterOptions? Cluster { get; init; }

    /// <summary>The API key this replica presents to its primary (<c>AGENTDB_REPLICATION_KEY</c>); null: as the config file says.</summary>
    public string? ReplicationKey { get; init; }

    /// <summary>The TLS certificate from <c>--tls-cert</c> or <c>AGENTDB_TLS_CERT</c> (overrides the config file's);
    /// null when neither names one.</summary>
    public string? TlsCertificateFile { get; init; }

    /// <summary>The PEM private key from <c>--tls-key</c> or <c>AGENTDB_TLS_KEY</c>; null when the key is in the
    /// certificate file (or none was named).</summary>
    public string? TlsKeyFile { get; init; }

    /// <summary>The password of a PKCS#12 file or an encrypted PEM key, from <c>AGENTDB_TLS_PASSWORD</c> only (never a
    /// command-line option: it would show in the process list).</summary>
    public string? TlsPassword { get; init; }
}
