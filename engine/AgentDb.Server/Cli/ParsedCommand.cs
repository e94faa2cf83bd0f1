using AgentDb.Server.Hosting;
using AgentDb.Simulation.Runner;

namespace AgentDb.Server.Cli;

/// <summary>A command line that parsed and validated.</summary>
/// <param name="Kind">The subcommand or top-level flag.</param>
/// <param name="Options">The server settings; set only when <paramref name="Kind"/> is <see cref="CommandKind.Serve"/>.</param>
/// <param name="Arguments">The arguments a subcommand parses itself (those after <c>bench ann</c>); empty otherwise.</param>
/// <param name="Simulation">The simulation to run; set only when <paramref name="Kind"/> is <see cref="CommandKind.Simulate"/>.</param>
internal sealed record ParsedCommand(
    CommandKind Kind, ServerOptions? Options = null, string[]? Arguments = null, SimulationRunSettings? Simulation = null);
