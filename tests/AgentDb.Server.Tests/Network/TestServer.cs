using System.Net;
using AgentDb.Client;
using AgentDb.Server.Network;
using AgentDb.Server.Network.Auth;
using AgentDb.Server.Network.Handlers;

namespace AgentDb.Server.Tests.Network;

/// <summary>A real <see cref="NetworkHost"/> on 127.0.0.1 with OS-chosen ports, for one test.</summary>
internal sealed class TestServer : IAsyncDisposable
{
    public const string ReadKey = "read-key-0123456789";
    public const string WriteKey = "write-key-0123456789";
    public const string AdminKey = "admin-key-0123456789";

    private TestServer(NetworkHost host, StringWriter log)
    {
        Host = host;
        Log = log;
    }

    public NetworkHost Host { get; }

    public StringWriter Log { get; }

    public int Port => Host.ProtocolEndPoint.Port;

    public int HttpPort => Host.HttpEndPoint.Port;

    public ServerMetrics Metrics => Host.Metrics;

    public static IReadOnlyList<ApiKey> ThreeKeys { get; } =
    [
        new ApiKey("reader", ReadKey, AgentDb.Wire.Messages.AccessRole.Read),
        new ApiKey("writer", WriteKey, AgentDb.Wire.Messages.AccessRole.Write),
        new ApiKey("root", AdminKey, AgentDb.Wire.Messages.AccessRole.Admin),
    ];

    public static async Task<TestServer> StartAsync(
        ServerLimits? limits = null, IReadOnlyList<ApiKey>? keys = null, Action<RequestHandlerRegistry>? register = null,
        System.Security.Cryptography.X509Certificates.X509Certificate2? tlsCertificate = null, Action? afterAnswerQueued = null)
    {
        var registry = RequestHandlerRegistry.WithoutEngine();
        register?.Invoke(registry);
        var log = new StringWriter();
        var settings = new SessionSettings(
            registry, new ApiKeyStore(keys ?? []), limits ?? ServerLimits.Default with { ShutdownTimeout = TimeSpan.FromSeconds(5) },
            new ServerMetrics(), "agentdb/test", TextWriter.Synchronized(log)) { AfterAnswerQueued = afterAnswerQueued };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var host = await NetworkHost.StartAsync(IPAddress.Loopback, 0, 0, settings, timeout.Token, tlsCertificate);
        return new TestServer(host, log);
    }

    public Task<AgentDbClient> ConnectAsync(string? apiKey = null, AgentDbClientOptions? options = null) =>
        AgentDbClient.ConnectAsync("127.0.0.1", Port, apiKey, options ?? new AgentDbClientOptions { RequestTimeout = TimeSpan.FromSeconds(20) });

    public Task<RawConnection> ConnectRawAsync() => RawConnection.ConnectAsync(Port);

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}
