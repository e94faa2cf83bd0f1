namespace AgentDb.Server.Cli;

/// <summary>
/// The environment variables <c>agentdb serve</c> reads. They override the built-in defaults; command-line
/// options override them. An empty value counts as unset.
/// </summary>
internal static class EnvironmentVariables
{
    /// <summary>Overrides the default data directory (<c>--data</c>).</summary>
    public const string Data = "AGENTDB_DATA";

    /// <summary>Overrides the default listen address (<c>--host</c>).</summary>
    public const string Host = "AGENTDB_HOST";

    /// <summary>Overrides the default listen port (<c>--port</c>).</summary>
    public const string Port = "AGENTDB_PORT";

    /// <summary>Overrides the default HTTP ops port (<c>--http-port</c>).</summary>
    public const string HttpPort = "AGENTDB_HTTP_PORT";

    /// <summary>API keys as comma-separated <c>name:role:key</c> entries, added to the config file's.</summary>
    public const string ApiKeys = "AGENTDB_API_KEYS";

    /// <summary>Overrides the agent memory's embedder (<c>--embedder</c>).</summary>
    public const string Embedder = "AGENTDB_EMBEDDER";
    /// <summary>Makes the server a replica of this primary, <c>host:port</c> (<c>--replica-of</c>).</summary>
    public const string ReplicaOf = "AGENTDB_REPLICA_OF";

    /// <summary>This node's Raft endpoint in a failover cluster, <c>host:port</c> (<c>--cluster-node</c>).</summary>
    public const string ClusterNode = "AGENTDB_CLUSTER_NODE";

    /// <summary>The other cluster members' Raft endpoints, comma-separated (<c>--cluster-peers</c>).</summary>
    public const string ClusterPeers = "AGENTDB_CLUSTER_PEERS";

    /// <summary>This node's protocol address as the other members and clients reach it (<c>--cluster-advertise</c>).</summary>
    public const string ClusterAdvertise = "AGENTDB_CLUSTER_ADVERTISE";

    /// <summary>The API key a replica presents to its primary (kept off the command line, where other users could read it).</summary>
    public const string ReplicationKey = "AGENTDB_REPLICATION_KEY";

    /// <summary>Overrides the config file's TLS certificate (<c>--tls-cert</c>).</summary>
    public const string TlsCertificate = "AGENTDB_TLS_CERT";

    /// <summary>Overrides the config file's TLS private key file (<c>--tls-key</c>).</summary>
    public const string TlsKey = "AGENTDB_TLS_KEY";

    /// <summary>The password of a PKCS#12 certificate or an encrypted PEM key. Environment only.</summary>
    public const string TlsPassword = "AGENTDB_TLS_PASSWORD";
}
