using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using AgentDb.Failover;
using AgentDb.Memory;
using AgentDb.Memory.Embedding;
using AgentDb.Server.Engine;
using AgentDb.Server.Engine.Memory;
using AgentDb.Server.Network;
using AgentDb.Server.Network.Auth;
using AgentDb.Server.Network.Handlers;
using AgentDb.Server.Replication;

namespace AgentDb.Server.Hosting;

/// <summary>
/// <c>agentdb serve</c>: reads the configuration, locks the data directory, serves the protocol and the HTTP ops
/// endpoints until asked to stop, then stops gracefully (stop accepting, answer requests in flight, close).
/// The embedded <see cref="AgentDatabase"/> at <c>&lt;data dir&gt;/db</c> serves the data operations and, attached to
/// it (collections <c>mem.*</c>, replicated with the rest), the <see cref="AgentMemory"/> the agent-memory operations;
/// a data directory made by an earlier version keeps its separate, unreplicated memory at <c>&lt;data dir&gt;/memory</c>.
/// Both are opened before listening and disposed (everything committed) after the listener stops.
/// </summary>
internal static class ServeCommand
{
    /// <summary>The engine's directory inside the data directory.</summary>
    public const string DatabaseDirectoryName = "db";

    /// <summary>The agent memory's directory inside the data directory of earlier versions (see <see cref="OpenMemory"/>).</summary>
    public const string MemoryDirectoryName = "memory";

    /// <summary>Runs the server until <paramref name="stopRequested"/>.</summary>
    /// <param name="options">Validated settings.</param>
    /// <param name="stdout">Receives the "agentdb ready" and "agentdb stopped" lines.</param>
    /// <param name="stderr">Receives warnings and errors.</param>
    /// <param name="stopRequested">Cancelled to stop the server.</param>
    /// <param name="handlers">Who executes operations; null to open the embedded database and serve from it.</param>
    /// <param name="ownsProcess">True from <c>Main</c>: a standalone server (no cluster, not a replica) then turns inline
    /// socket completions on for the process (<see cref="SocketEngineSettings"/>); false in tests, whose process is shared.</param>
    /// <returns><see cref="ExitCode.Success"/> after an orderly stop; <see cref="ExitCode.Usage"/> for an invalid
    /// config file, a missing, unreadable or invalid TLS certificate, or an embedder that cannot be loaded or differs
    /// from the one the memory was created with; <see cref="ExitCode.Failure"/> when the data directory is unusable or
    /// locked, or a port cannot be
    /// bound.</returns>
    public static async Task<int> RunAsync(
        ServerOptions options, TextWriter stdout, TextWriter stderr, CancellationToken stopRequested,
        RequestHandlerRegistry? handlers = null, bool ownsProcess = false)
    {
        var config = ServerConfig.Default;
        if (options.ConfigFile is not null && !ServerConfigLoader.TryLoad(options.ConfigFile, out config, out var configError))
        {
            stderr.WriteLine($"agentdb: error: {configError}");
            return ExitCode.Usage;
        }
        if (ownsProcess && (options.Cluster ?? config.Cluster) is null && (options.ReplicaOf ?? config.Replication.ReplicaOf) is null)
        {
            // A standalone server: socket completions inline on the epoll threads, set before its first socket (see
            // SocketEngineSettings; cluster members and replicas keep the thread-pool dispatch).
            SocketEngineSettings.Apply();
        }
        var keys = new List<ApiKey>(config.ApiKeys);
        keys.AddRange(options.EnvironmentApiKeys);
        if (FindDuplicate(keys) is { } duplicate)
        {
            stderr.WriteLine($"agentdb: error: {duplicate}");
            return ExitCode.Usage;
        }

        // The command line's certificate replaces the config file's (its key file with it).
        var tls = options.TlsCertificateFile is { } certificateFile
            ? new TlsSettings(certificateFile, options.TlsKeyFile)
            : config.Tls;
        X509Certificate2? certificate = null;
        if (tls is not null && !TlsCertificateLoader.TryLoad(tls, options.TlsPassword, out certificate, out var tlsError))
        {
            stderr.WriteLine($"agentdb: error: {tlsError}");
            return ExitCode.Usage;
        }
        using (certificate)
        {
            return await RunWithCertificateAsync(options, stdout, stderr, stopRequested, handlers, keys, config, certificate)
                .ConfigureAwait(false);
        }
    }

    private static async Task<int> RunWithCertificateAsync(
        ServerOptions options, TextWriter stdout, TextWriter stderr, CancellationToken stopRequested,
        RequestHandlerRegistry? handlers, List<ApiKey> keys, ServerConfig config, X509Certificate2? certificate)
    {

        string dataDirectory;
        DataDirectoryLock? held;
        try
        {
            dataDirectory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.DataDirectory));
            Directory.CreateDirectory(dataDirectory);
            if (!DataDirectoryLock.TryAcquire(dataDirectory, out held))
            {
                stderr.WriteLine($"agentdb: error: data directory {dataDirectory} is in use by another process");
                return ExitCode.Failure;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"agentdb: error: cannot open data directory {options.DataDirectory}: {e.Message}");
            return ExitCode.Failure;
        }

        int exitCode;
        using (held)
        {
            exitCode = await RunLockedAsync(
                options, stdout, stderr, stopRequested, handlers, keys, config, certificate, dataDirectory).ConfigureAwait(false);
        }
        if (exitCode == ExitCode.Success)
        {
            // Printed after the database is disposed and the lock released: whoever reads this line may open the directory.
            stdout.WriteLine("agentdb stopped");
        }
        return exitCode;
    }

    private static async Task<int> RunLockedAsync(
        ServerOptions options, TextWriter stdout, TextWriter stderr, CancellationToken stopRequested,
        RequestHandlerRegistry? handlers, List<ApiKey> keys, ServerConfig config, X509Certificate2? certificate,
        string dataDirectory)
    {
        IPAddress address;
        try
        {
            address = await ResolveAsync(options.Host, stopRequested).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or ArgumentException)
        {
            stderr.WriteLine($"agentdb: error: cannot resolve host {options.Host}: {e.Message}");
            return ExitCode.Failure;
        }

        var replicationSettings = config.Replication with
        {
            ReplicaOf = options.ReplicaOf ?? config.Replication.ReplicaOf,
            Key = options.ReplicationKey ?? config.Replication.Key,
        };
        var cluster = options.Cluster ?? config.Cluster;
        FailoverCoordinator? coordinator = null;
        try
        {
            return await RunEnginesAsync(options, stdout, stderr, stopRequested, handlers, keys, config, certificate, dataDirectory, address,
                replicationSettings, cluster, c => coordinator = c).ConfigureAwait(false);
        }
        finally
        {
            if (coordinator is not null)
            {
                await coordinator.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<int> RunEnginesAsync(
        ServerOptions options, TextWriter stdout, TextWriter stderr, CancellationToken stopRequested,
        RequestHandlerRegistry? handlers, List<ApiKey> keys, ServerConfig config, X509Certificate2? certificate,
        string dataDirectory, IPAddress address, ReplicationSettings replicationSettings, ClusterOptions? cluster,
        Action<FailoverCoordinator> coordinatorStarted)
    {
        FailoverCoordinator? coordinator = null;
        // Bounded by restarts: a replica restarts its engine here (same process, same lock) only to install a snapshot
        // it received from its primary, which happens once per fall-behind.
        while (true)
        {
            int exitCode;
            bool restart;
            using (var restartRequested = CancellationTokenSource.CreateLinkedTokenSource(stopRequested))
            {
                AgentDatabase? database = null;
                AgentMemory? memory = null;
                IEmbedder? embedder = null;
                ReplicationNode? replication = null;
                var registry = handlers;
                if (registry is null)
                {
                    var databaseDirectory = Path.Combine(dataDirectory, DatabaseDirectoryName);
                    // A cluster member opens as a replica; the failover coordinator promotes it when it is elected.
                    var replica = replicationSettings.IsReplica || cluster is not null;
                    // The engine's warnings (a torn log tail cut at open, index segments refused and rebuilt, a failed
                    // background checkpoint) come from its own threads too: one synchronized writer for all of them.
                    var warnings = TextWriter.Synchronized(stderr);
                    var databaseOptions = new AgentDatabaseOptions
                    {
                        Role = replica ? DatabaseRole.Replica : DatabaseRole.Primary,
                        Warning = message => warnings.WriteLine($"agentdb: warning: {message}"),
                    };
                    try
                    {
                        if (replica)
                        {
                            ReplicaBootstrap.InstallPending(dataDirectory, databaseDirectory, stderr);
                        }
                        try
                        {
                            database = AgentDatabase.Open(databaseDirectory, databaseOptions);
                        }
                        catch (Exception e) when (replica && e is not DatabaseLockedException && ReplicaRepair.Describe(e) is { } damage)
                        {
                            // A replica has a primary to resync from: its damaged data is moved aside, not refused.
                            ReplicaRepair.Quarantine(dataDirectory, databaseDirectory, damage, stderr);
                            database = AgentDatabase.Open(databaseDirectory, databaseOptions);
                        }
                    }
                    catch (DatabaseLockedException e)
                    {
                        stderr.WriteLine($"agentdb: error: database {databaseDirectory} is in use: {e.Message}");
                        return ExitCode.Failure;
                    }
                    catch (Exception e) when (ReplicaRepair.Describe(e) is { } damage)
                    {
                        stderr.WriteLine(replica
                            ? $"agentdb: error: cannot open database {databaseDirectory}: its data is corrupt ({damage}) and could not be repaired"
                            : $"agentdb: error: cannot open database {databaseDirectory}: its data is corrupt ({damage}); a primary or standalone " +
                              "server has nothing to resync from: restore a backup, or start it as a replica of a healthy primary (docs/REPLICATION.md)");
                        return ExitCode.Failure;
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException or RocksDbSharp.RocksDbException)
                    {
                        stderr.WriteLine($"agentdb: error: cannot open database {databaseDirectory}: {e.Message}");
                        return ExitCode.Failure;
                    }
                    registry = EngineHandlers.Register(RequestHandlerRegistry.WithoutEngine(), database);
                    var opened = OpenMemory(
                        dataDirectory, database, options.Embedder ?? config.Embedder ?? EmbedderSpec.MiniLm, stderr, out memory, out embedder, out var memoryReplicated);
                    if (opened != ExitCode.Success)
                    {
                        database.Dispose();
                        return opened;
                    }
                    MemoryHandlers.Register(registry, memory!);
                    if (cluster is not null)
                    {
                        if (coordinator is null)
                        {
                            try
                            {
                                // The Raft term and vote live in DIR/raft, beside DIR/db (which a snapshot install replaces), not inside it.
                                coordinator = await FailoverCoordinator.StartAsync(
                                        cluster, database.CurrentEpoch, Path.Combine(dataDirectory, RaftStateStore.DirectoryName), TextWriter.Synchronized(stderr),
                                        stopRequested)
                                    .ConfigureAwait(false);
                                coordinatorStarted(coordinator);
                            }
                            catch (Exception e) when (e is SocketException or IOException or InvalidDataException or OperationCanceledException)
                            {
                                stderr.WriteLine($"agentdb: error: cannot start the cluster member at {cluster.Node}: {e.Message}");
                                memory!.Dispose();
                                embedder!.Dispose();
                                database.Dispose();
                                return ExitCode.Failure;
                            }
                        }
                        replication = ReplicationNode.ConfigureCluster(
                            registry, database, memoryReplicated, replicationSettings, coordinator, dataDirectory, config.Limits.MaxFrameBytes, TextWriter.Synchronized(stderr),
                            restartRequested.Cancel);
                    }
                    else
                    {
                        replication = ReplicationNode.Configure(
                            registry, database, memoryReplicated, replicationSettings, dataDirectory, config.Limits.MaxFrameBytes, TextWriter.Synchronized(stderr),
                            restartRequested.Cancel);
                    }
                }
                // Disposed in reverse: the memory (committing its stores) before its embedder, both before the database.
                using (database)
                using (embedder)
                using (memory)
                {
                    await using (replication)
                    {
                        replication?.Start();
                        exitCode = await ServeAsync(options, stdout, stderr, restartRequested.Token, registry, keys, config, certificate, address, dataDirectory, replication)
                            .ConfigureAwait(false);
                        restart = replication is { RestartRequested: true } && !stopRequested.IsCancellationRequested;
                    }
                }
            }
            if (!restart || exitCode != ExitCode.Success)
            {
                return exitCode;
            }
            stdout.WriteLine("agentdb restarting: installing the snapshot received from the primary");
        }
    }

    /// <summary>
    /// Opens the agent memory with the chosen embedder: attached to <paramref name="database"/> (replicated with it;
    /// <paramref name="replicated"/> true), or — for a data directory made by an earlier version, which holds
    /// <c>DIR/memory/LAYOUT.json</c> — that separate memory directory, with a warning that it is not replicated.
    /// </summary>
    /// <returns><see cref="ExitCode.Success"/>, or the exit code after an error was written to <paramref name="stderr"/>
    /// (nothing is left open then but the database, which the caller closes).</returns>
    private static int OpenMemory(
        string dataDirectory, AgentDatabase database, EmbedderSpec spec, TextWriter stderr, out AgentMemory? memory, out IEmbedder? embedder,
        out bool replicated)
    {
        memory = null;
        embedder = null;
        var memoryDirectory = Path.Combine(dataDirectory, MemoryDirectoryName);
        replicated = !File.Exists(Path.Combine(memoryDirectory, Memory.Stores.MemoryStores.LayoutFileName));
        var location = replicated ? database.Path : memoryDirectory;
        try
        {
            embedder = spec.Create();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"agentdb: error: cannot load embedder {spec}: {e.Message}");
            return ExitCode.Usage;
        }
        try
        {
            if (replicated)
            {
                memory = AgentMemory.Attach(database, new AgentMemoryOptions { Embedder = embedder });
                return ExitCode.Success;
            }
            stderr.WriteLine(
                $"agentdb: warning: the agent memory is in {memoryDirectory} (made by an earlier version): it is served, but not " +
                "replicated, checkpointed or backed up with the database");
            memory = AgentMemory.Open(memoryDirectory, new AgentMemoryOptions { Embedder = embedder });
            return ExitCode.Success;
        }
        catch (InvalidOperationException e) when (e is not ObjectDisposedException)
        {
            stderr.WriteLine($"agentdb: error: agent memory in {location}: {e.Message} (choose the embedder with --embedder)");
            embedder.Dispose();
            embedder = null;
            return ExitCode.Usage;
        }
        catch (DatabaseLockedException e)
        {
            stderr.WriteLine($"agentdb: error: agent memory in {location} is in use: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            stderr.WriteLine($"agentdb: error: cannot open the agent memory in {location}: {e.Message}");
        }
        embedder.Dispose();
        embedder = null;
        return ExitCode.Failure;
    }

    private static async Task<int> ServeAsync(
        ServerOptions options, TextWriter stdout, TextWriter stderr, CancellationToken stopRequested,
        RequestHandlerRegistry handlers, List<ApiKey> keys, ServerConfig config, X509Certificate2? certificate,
        IPAddress address, string dataDirectory, ReplicationNode? replication)
    {
        var store = new ApiKeyStore(keys);
        if (!store.IsEnabled)
        {
            stderr.WriteLine(
                "agentdb: warning: no API keys configured (config file apiKeys or AGENTDB_API_KEYS): " +
                "authentication is disabled and every client is admin");
        }
        var settings = new SessionSettings(
            handlers, store, config.Limits, new ServerMetrics { AppendExtra = replication is null ? null : replication.AppendMetrics, ReadyDetail = replication is null ? null : replication.ReadyText },
            $"agentdb/{Program.Version}", TextWriter.Synchronized(stderr));

        NetworkHost host;
        try
        {
            host = await NetworkHost.StartAsync(address, options.Port, options.HttpPort, settings, stopRequested, certificate)
                .ConfigureAwait(false);
        }
        catch (IOException e)
        {
            stderr.WriteLine(
                $"agentdb: error: cannot listen on {options.Host} ports {options.Port} and {options.HttpPort}: {e.Message}");
            return ExitCode.Failure;
        }
        catch (OperationCanceledException)
        {
            return ExitCode.Success;
        }

        await using (host.ConfigureAwait(false))
        {
            stdout.WriteLine(
                $"agentdb ready: data={dataDirectory} protocol={host.ProtocolEndPoint} http={host.HttpEndPoint}" +
                (certificate is null ? "" : " tls=on"));
            await Task.Delay(Timeout.Infinite, stopRequested).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await host.StopAsync().ConfigureAwait(false);
        }
        return ExitCode.Success;
    }

    private static async Task<IPAddress> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out var literal))
        {
            return literal;
        }
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }
        var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        return addresses.Length > 0 ? addresses[0] : throw new SocketException((int)SocketError.HostNotFound);
    }

    private static string? FindDuplicate(List<ApiKey> keys)
    {
        for (var i = 0; i < keys.Count; i++)
        {
            for (var j = i + 1; j < keys.Count; j++)
            {
                if (keys[i].Name == keys[j].Name)
                {
                    return $"API key name '{keys[i].Name}' is configured twice";
                }
                if (keys[i].Secret == keys[j].Secret)
                {
                    return $"API keys '{keys[i].Name}' and '{keys[j].Name}' have the same secret";
                }
            }
        }
        return null;
    }
}
