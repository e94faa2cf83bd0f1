using System.Diagnostics;
using System.Reflection;
using AgentDb.Kernels;
using AgentDb.Server.Bench;
using AgentDb.Server.Cli;
using AgentDb.Server.Diagnostics;
using AgentDb.Server.Hosting;
using AgentDb.Simulation.Runner;

namespace AgentDb.Server;

/// <summary>The <c>agentdb</c> entry point: parse, validate, dispatch.</summary>
internal static class Program
{
    private static Task<int> Main(string[] args) =>
        RunAsync(args, Environment.GetEnvironmentVariable, Console.Out, Console.Error);

    /// <summary>Runs one invocation. Serve listens for SIGTERM/SIGINT from the moment it starts.</summary>
    /// <returns>The process exit code: see <see cref="ExitCode"/>.</returns>
    internal static async Task<int> RunAsync(
        IReadOnlyList<string> args, Func<string, string?> getEnvironmentVariable, TextWriter stdout, TextWriter stderr)
    {
        if (!CommandLineParser.TryParse(args, getEnvironmentVariable, out var command, out var error))
        {
            stderr.WriteLine($"agentdb: error: {error.Message}");
            if (error.ShowUsage)
            {
                stderr.WriteLine();
                stderr.Write(UsageText.Text);
            }
            else
            {
                stderr.WriteLine("Run 'agentdb --help' for usage.");
            }
            return ExitCode.Usage;
        }

        // The kernel path is chosen once per process from AGENTDB_SIMD_MAX: refuse a bad value before anything runs.
        try
        {
            SimdDispatch.Select(getEnvironmentVariable(SimdDispatch.EnvironmentVariable));
        }
        catch (ArgumentException e)
        {
            stderr.WriteLine($"agentdb: error: {e.Message}");
            return ExitCode.Usage;
        }

        switch (command.Kind)
        {
            case CommandKind.Help:
                stdout.Write(UsageText.Text);
                return ExitCode.Success;
            case CommandKind.Version:
                stdout.WriteLine($"agentdb {Version}");
                return ExitCode.Success;
            case CommandKind.Serve:
                using (var shutdown = new ShutdownSignal())
                {
                    return await ServeCommand.RunAsync(command.Options!, stdout, stderr, shutdown.Token, ownsProcess: true);
                }
            case CommandKind.BenchAnn:
                return AnnBenchCommand.Run(command.Arguments ?? [], stdout, stderr);
            case CommandKind.BenchServer:
                // Before the first socket: the load generator's loops run on the epoll threads, like redis-benchmark's
                // event loop, and the child server inherits the variable (see SocketEngineSettings).
                Network.SocketEngineSettings.Apply();
                return Bench.Server.ServerBenchCommand.Run(command.Arguments ?? [], stdout, stderr);
            case CommandKind.Simulate:
                using (var shutdown = new ShutdownSignal())
                {
                    var showProgress = ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected;
                    var code = await SimulationCommand.RunAsync(command.Simulation!, stdout, stderr, showProgress, shutdown.Token);
                    return code == 0 ? ExitCode.Success : ExitCode.Failure;
                }
            case CommandKind.Kernels:
                return KernelsCommand.Run(stdout, stderr);
            case CommandKind.Stress:
                using (var shutdown = new ShutdownSignal())
                {
                    return await Simulation.Stress.StressCommand.RunAsync(
                        command.Arguments ?? [], Simulation.Stress.AgentDbCommand.Self(), stdout, stderr, shutdown.Token);
                }
            case CommandKind.Size:
                return Simulation.Sizing.SizeCommand.Run(command.Arguments ?? [], stdout, stderr);
            default:
                throw new UnreachableException($"command kind {command.Kind} has no handler");
        }
    }

    /// <summary>The informational version, e.g. "0.1.0+3f2a9c1".</summary>
    internal static string Version { get; } =
        typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? "unknown";
}
