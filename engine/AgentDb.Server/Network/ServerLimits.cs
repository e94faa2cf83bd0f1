using AgentDb.Wire;

namespace AgentDb.Server.Network;

/// <summary>The limits the listener enforces (config file section <c>limits</c>).</summary>
internal sealed record ServerLimits
{
    /// <summary>Open protocol connections; a connection beyond it gets BUSY and is closed.</summary>
    public int MaxConnections { get; init; } = 1024;

    /// <summary>Requests executing at once on one connection; beyond it a request is answered BUSY.</summary>
    public int MaxInFlightPerConnection { get; init; } = 128;

    /// <summary>Largest frame accepted, header included; beyond it TOO_LARGE and close.</summary>
    public int MaxFrameBytes { get; init; } = WireInfo.DefaultMaxFrameSize;

    /// <summary>A connection with nothing received and nothing in flight for this long is closed; zero disables.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a graceful stop waits for requests in flight before closing connections anyway.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public static ServerLimits Default { get; } = new();
}
