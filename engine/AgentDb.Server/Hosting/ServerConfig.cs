using AgentDb.Server.Network;
using AgentDb.Server.Network.Auth;
using AgentDb.Server.Replication;

namespace AgentDb.Server.Hosting;

/// <summary>The contents of the <c>--config</c> file (schema in docs/ARCHITECTURE.md and <see cref="ServerConfigLoader"/>).</summary>
/// <param name="ApiKeys">The keys from the file (the AGENTDB_API_KEYS keys are added by serve).</param>
/// <param name="Limits">The listener's limits.</param>
internal sealed record ServerConfig(IReadOnlyList<ApiKey> ApiKeys, ServerLimits Limits)
{
    public static ServerConfig Default { get; } = new([], ServerLimits.Default);

    /// <summary>The agent memory's embedder from the file's <c>embedder</c>; null when it names none.</summary>
    public EmbedderSpec? Embedder { get; init; }
    /// <summary>The <c>replication</c> section (the command line's <c>--replica-of</c> overrides its <c>replicaOf</c>).</summary>
    public ReplicationSettings Replication { get; init; } = ReplicationSettings.Default;

    /// <summary>The <c>cluster</c> section: this server is a member of a failover cluster; null when absent.</summary>
    public Failover.ClusterOptions? Cluster { get; init; }

    /// <summary>The protocol port's TLS certificate (section <c>tls</c>); null for plain TCP. Relative paths are
    /// resolved against the config file's folder by <see cref="ServerConfigLoader.TryLoad"/>.</summary>
    public TlsSettings? Tls { get; init; }
}
