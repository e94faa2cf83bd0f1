namespace AgentDb.Server.Cli;

/// <summary>What an <c>agentdb</c> invocation asked for.</summary>
internal enum CommandKind
{
    /// <summary>Print the usage text and exit 0.</summary>
    Help,

    /// <summary>Print the version and exit 0.</summary>
    Version,

    /// <summary>Run the server until SIGTERM or Ctrl+C.</summary>
    Serve,

    /// <summary>Report the distance-kernel path this process chose and check it against a double-precision reference.</summary>
    Kernels,

    /// <summary>The stress matrix: <c>agentdb stress ...</c>; it parses its own arguments.</summary>
    Stress,

    /// <summary>The sizing calculator: <c>agentdb size ...</c>; it parses its own arguments.</summary>
    Size,

    /// <summary>Run a benchmark: <c>agentdb bench ann ...</c>; the benchmark parses its own arguments.</summary>
    BenchAnn,

    /// <summary>The server benchmark: <c>agentdb bench server ...</c>; it parses its own arguments.</summary>
    BenchServer,

    /// <summary>A multi-agent simulation: <c>agentdb simulate &lt;scenario&gt; ...</c> (settings in
    /// <see cref="ParsedCommand.Simulation"/>).</summary>
    Simulate,
}
