namespace AgentDb.Server.Hosting;

/// <summary>The validated settings of <c>agentdb serve</c>.</summary>
/// <param name="DataDirectory">Where the database lives, as given (relative paths are resolved by the server).</param>
/// <param name="Host">The address to listen on: an IP literal or a host name.</param>
/// <param name="Port">The TCP port to listen on, 1–65535.</param>
/// <param name="ConfigFile">An optional configuration file, as given; null when none was named.</param>
internal sealed record ServerOptions(string DataDirectory, string Host, int Port, string? ConfigFile)
{
    /// <summary>The data directory when neither <c>--data</c> nor <c>AGENTDB_DATA</c> is given.</summary>
    public const string DefaultDataDirectory = "./data";

    /// <summary>The listen address when neither <c>--host</c> nor <c>AGENTDB_HOST</c> is given: loopback only.</summary>
    public const string DefaultHost = "127.0.0.1";

    /// <summary>The listen port when neither <c>--port</c> nor <c>AGENTDB_PORT</c> is given.</summary>
    public const int DefaultPort = 4433;

    /// <summary>The settings used when nothing overrides them.</summary>
    public static ServerOptions Default { get; } = new(DefaultDataDirectory, DefaultHost, DefaultPort, null);
}
