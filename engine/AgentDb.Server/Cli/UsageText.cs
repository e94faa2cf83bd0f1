using AgentDb.Server.Hosting;

namespace AgentDb.Server.Cli;

/// <summary>The text <c>agentdb --help</c> prints.</summary>
internal static class UsageText
{
    /// <summary>The full usage, ending with a newline.</summary>
    public static string Text { get; } = $"""
        Usage:
          agentdb serve [--data DIR] [--host ADDR] [--port N] [--config FILE]
          agentdb kernels
          agentdb bench ann [options]       (agentdb bench ann help: the benchmark's own options)
          agentdb --help
          agentdb --version

        Commands:
          serve            Open the data directory, lock it, and run until SIGTERM or Ctrl+C.
          bench ann        The ANN benchmark: our HNSW index against an exact scan, USearch and hnswlib.
          kernels          Print the SIMD path the distance kernels run on and self-check it.
                           AGENTDB_SIMD_MAX=scalar|vector128|avx2|avx512 caps the path.

        Options for serve (also accepted as --name=value):
          --data DIR       Data directory, created if missing (default {ServerOptions.DefaultDataDirectory}; env {EnvironmentVariables.Data}).
          --host ADDR      Address to listen on: IP or host name (default {ServerOptions.DefaultHost}; env {EnvironmentVariables.Host}).
          --port N         TCP port to listen on, 1-65535 (default {ServerOptions.DefaultPort}; env {EnvironmentVariables.Port}).
          --config FILE    Configuration file; must exist (accepted, not read yet).

        Command-line options override environment variables, which override the defaults.
        This build has no network listener yet: --host and --port are validated and kept for it.

        Exit codes: 0 success, 1 run-time failure (e.g. data directory in use), 2 invalid arguments.

        """;
}
