using AgentDb.Server.Hosting;
using AgentDb.Simulation.Runner;
using AgentDb.Simulation.Scenarios;

namespace AgentDb.Server.Cli;

/// <summary>The text <c>agentdb --help</c> prints.</summary>
internal static class UsageText
{
    /// <summary>The full usage, ending with a newline.</summary>
    public static string Text { get; } = $"""
        Usage:
          agentdb serve [--data DIR] [--host ADDR] [--port N] [--http-port N] [--config FILE]
                        [--tls-cert FILE [--tls-key FILE]] [--replica-of HOST:PORT] [--embedder E]
                        [--cluster-node HOST:PORT --cluster-peers HOST:PORT,... [--cluster-advertise HOST:PORT]]
          agentdb kernels
          agentdb simulate <scenario> [--swarm-size N] [--iterations N] [--parallel N] [--optimize] [--seed N]
                        [--embedded [--data DIR] [--dimension N] | --server HOST:PORT [--api-key KEY]] [--report FILE]
          agentdb bench ann [options]       (agentdb bench ann help: the benchmark's own options)
          agentdb bench server [options]    (agentdb bench server --help: the benchmark's own options)
          agentdb stress [options]          (agentdb stress --help: the matrix, target and outputs)
          agentdb size --episodes N [--skills N] [--causal-edges N] [--graph-nodes N] [--graph-edges N] [options]
          agentdb --help
          agentdb --version

        Commands:
          serve            Lock the data directory and serve the binary protocol (docs/PROTOCOL.md) and the
                           HTTP ops endpoints (/health, /ready, /metrics) until SIGTERM or Ctrl+C.
          bench ann        The ANN benchmark: our HNSW index against an exact scan, USearch and hnswlib.
          bench server     The server over TCP (GET, UPSERT, SEARCH; connections x pipeline depth) against the
                           same operations in process.
          simulate         Run a multi-agent simulation on the agent memory, embedded or against a server, and
                           report throughput, latency p50/p99, success rate, memory, database size and the
                           scenario's own metrics (docs/SIMULATIONS.md). Scenarios: {ScenarioCatalog.Names()}.
          kernels          Print the SIMD path the distance kernels run on and self-check it.
                           AGENTDB_SIMD_MAX=scalar|vector128|avx2|avx512 caps the path.
          stress           The stress matrix (agents x concurrency, each cell bounded in time) against a server it
                           starts on loopback, a given --server HOST:PORT, or --embedded: throughput, p50/p99,
                           success rate, errors by kind, memory and CPU per cell; a table, --report JSON, --plot PNG.
          size             The sizing calculator: disk and memory for the given counts, from bytes per record it
                           measures on a scratch memory (agentdb size --help).

        Options for serve (also accepted as --name=value):
          --data DIR       Data directory, created if missing (default {ServerOptions.DefaultDataDirectory}; env {EnvironmentVariables.Data}).
          --host ADDR      Address to listen on: IP or host name (default {ServerOptions.DefaultHost}; env {EnvironmentVariables.Host}).
          --port N         Protocol TCP port, 0-65535; 0 picks a free port (default {ServerOptions.DefaultPort}; env {EnvironmentVariables.Port}).
          --http-port N    HTTP ops port on the same address, 0-65535 (default {ServerOptions.DefaultHttpPort}; env {EnvironmentVariables.HttpPort}).
          --config FILE    JSON configuration: API keys, limits, TLS, replication (schema in docs/ARCHITECTURE.md).
          --tls-cert FILE  Serve the protocol over TLS on the same port: a PEM certificate (with its key, or the key
                           in --tls-key) or a PKCS#12 .pfx/.p12 file (env {EnvironmentVariables.TlsCertificate}).
          --tls-key FILE   The PEM private key, when it is not in the certificate file (env {EnvironmentVariables.TlsKey}).
          --embedder E     The agent memory's embedder: minilm (default; all-MiniLM-L6-v2, loaded on first use),
                           hashing[-DIM] (no model; DIM 2-65536, default 384) or onnx:MODEL_PATH:VOCAB_PATH
                           (env {EnvironmentVariables.Embedder}; config file "embedder"). Fixed when DIR/memory is created.
          --replica-of HOST:PORT
                           Run as a read-only replica of that primary (env {EnvironmentVariables.ReplicaOf}; docs/REPLICATION.md).
          --cluster-node HOST:PORT
                           Join a failover cluster: this node's Raft endpoint (IP or localhost; env {EnvironmentVariables.ClusterNode}).
                           The elected member with the furthest log is the primary; the others follow it.
          --cluster-peers HOST:PORT,...
                           The other members' Raft endpoints (env {EnvironmentVariables.ClusterPeers}; config file "cluster").
          --cluster-advertise HOST:PORT
                           This node's protocol address for the others and for clients (default --host:--port;
                           env {EnvironmentVariables.ClusterAdvertise}).

        Options for simulate:
          --swarm-size N   Agents (default: the scenario's).       --iterations N  Iterations or rounds (default 10).
          --parallel N     Agents running at once (default 1).     --seed N        Same seed, same outcome (default 42).
          --optimize       Batch each iteration's episode writes into one call.
          --embedded       In process (the default), in --data DIR (default: a fresh temporary directory, deleted after)
                           with --dimension N floats per vector (default {SimulationRunSettings.DefaultDimension}).
          --server HOST:PORT  Against a running agentdb serve (--api-key KEY when it has keys).
          --report FILE    Also write the results as JSON.

        Environment only:
          {EnvironmentVariables.ApiKeys}   API keys as name:role:key[,name:role:key...], role read|write|admin|replication;
                           added to the config file's. With no keys at all, authentication is off.
          {EnvironmentVariables.ReplicationKey}  The key a replica presents to its primary (role replication).
          {EnvironmentVariables.TlsPassword}  Password of a PKCS#12 certificate or an encrypted PEM key.

        Command-line options override environment variables, which override the defaults.
        The ready line names the bound addresses: agentdb ready: data=DIR protocol=ADDR:PORT http=ADDR:PORT
        The data operations are served by the embedded database in DIR/db, the agent-memory operations by DIR/memory.

        Exit codes: 0 success, 1 run-time failure (e.g. data directory in use, port taken),
        2 invalid arguments, environment variables, config file, TLS certificate or embedder.

        """;
}
