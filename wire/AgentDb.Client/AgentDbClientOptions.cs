using System.Net.Security;
using AgentDb.Wire;

namespace AgentDb.Client;

/// <summary>Settings of an <see cref="AgentDbClient"/>.</summary>
public sealed class AgentDbClientOptions
{
    /// <summary>How long connecting and HELLO may take together. Default 10 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a request may wait for its response before <see cref="TimeoutException"/>; 
    /// <see cref="Timeout.InfiniteTimeSpan"/> for no limit. Default 30 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The largest response frame accepted, header included. Default 16 MiB.</summary>
    public int MaxFrameSize { get; init; } = WireInfo.DefaultMaxFrameSize;

    /// <summary>When true (the default), requests beyond the server's in-flight limit (from HELLO) wait on the client
    /// instead of being answered BUSY.</summary>
    public bool WaitForInFlightSlot { get; init; } = true;

    /// <summary>Sent in HELLO for the server's logs.</summary>
    public string ClientName { get; init; } = $"agentdb-dotnet/{typeof(AgentDbClientOptions).Assembly.GetName().Version}";

    /// <summary>Speak TLS to the server (its protocol port must be configured with a certificate). Default false.</summary>
    public bool UseTls { get; init; }

    /// <summary>The name the server's certificate must carry (SNI and validation); null for the host given to
    /// <see cref="AgentDbClient.ConnectAsync"/>.</summary>
    public string? TlsTargetHost { get; init; }

    /// <summary>Replaces the system's validation of the server's certificate, e.g. to pin a self-signed test
    /// certificate; null (the default) for the system's validation against its trusted roots.</summary>
    public RemoteCertificateValidationCallback? RemoteCertificateValidation { get; init; }

    /// <summary>The defaults.</summary>
    public static AgentDbClientOptions Default { get; } = new();
}
