using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using AgentDb.Wire.Frames;
using AgentDb.Wire.Messages;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace AgentDb.Server.Network;

/// <summary>
/// The server's network side on Kestrel: the binary protocol on one port (Kestrel's socket transport and pooled
/// pipes, no HTTP in between: each connection goes straight to a <see cref="ProtocolSession"/>), and the HTTP ops
/// endpoints (/health, /ready, /metrics) on another.
/// </summary>
/// <remarks>
/// Kestrel rather than a hand-written accept loop: it gives pooled pinned buffers, pipe backpressure, connection
/// draining on shutdown, and the HTTP server for the ops port, all from the shared framework (no package).
/// </remarks>
internal sealed class NetworkHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SessionSettings _settings;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ListenOptions _protocolListener;
    private readonly ListenOptions _httpListener;
    private int _stopped;

    private NetworkHost(WebApplication app, SessionSettings settings, ListenOptions protocolListener, ListenOptions httpListener)
    {
        _app = app;
        _settings = settings;
        _protocolListener = protocolListener;
        _httpListener = httpListener;
    }

    /// <summary>Where the protocol listener is bound (the real port when 0 was asked for).</summary>
    public IPEndPoint ProtocolEndPoint => _protocolListener.IPEndPoint!;

    /// <summary>Where the HTTP ops endpoints are bound.</summary>
    public IPEndPoint HttpEndPoint => _httpListener.IPEndPoint!;

    public ServerMetrics Metrics => _settings.Metrics;

    /// <summary>False once a stop has begun: /ready then answers 503.</summary>
    public bool IsReady => !_stopping.IsCancellationRequested;

    /// <summary>Binds both ports and starts accepting.</summary>
    /// <param name="address">The address both ports listen on.</param>
    /// <param name="port">The protocol port; 0 for any free one.</param>
    /// <param name="httpPort">The ops HTTP port; 0 for any free one.</param>
    /// <param name="settings">What every session shares.</param>
    /// <param name="cancellationToken">Cancels starting.</param>
    /// <param name="tlsCertificate">When given (with its private key), the protocol port speaks TLS: each connection's
    /// handshake runs before its session sees a byte. The ops HTTP port stays plain HTTP.</param>
    /// <exception cref="IOException">A port is in use or cannot be bound.</exception>
    public static async Task<NetworkHost> StartAsync(
        IPAddress address, int port, int httpPort, SessionSettings settings, CancellationToken cancellationToken,
        X509Certificate2? tlsCertificate = null)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "agentdb" });
        builder.WebHost.UseKestrelCore();
        // The transport stops reading when this many unconsumed bytes are buffered. A frame is only consumed once
        // whole, so the threshold must exceed the largest frame or a big frame would never complete.
        builder.WebHost.UseSockets(sockets =>
        {
            sockets.MaxReadBufferSize = settings.Limits.MaxFrameBytes + 64L * 1024;
            // Run socket completions on the I/O thread instead of hopping to the thread pool, and read straight into a
            // buffer instead of waiting for data with a zero-byte read first: fewer thread switches and one syscall
            // less per request; the session never blocks in its read loop (handlers that wait complete asynchronously).
            sockets.UnsafePreferInlineScheduling = true;
            sockets.WaitForDataBeforeAllocatingBuffer = false;
        });
        builder.WebHost.UseShutdownTimeout(settings.Limits.ShutdownTimeout);

        ListenOptions? protocolListener = null;
        ListenOptions? httpListener = null;
        NetworkHost? host = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxConcurrentConnections = null; // enforced per protocol connection, with a BUSY frame
            kestrel.Listen(address, port, listen =>
            {
                protocolListener = listen;
                if (tlsCertificate is not null)
                {
                    // Kestrel's TLS connection middleware: SslStream between the socket and the session's pipes. A
                    // peer that fails the handshake (plain TCP, wrong version) is dropped before a session exists.
                    listen.UseHttps(new HttpsConnectionAdapterOptions
                    {
                        ServerCertificate = tlsCertificate,
                        ClientCertificateMode = ClientCertificateMode.NoCertificate,
                        HandshakeTimeout = TimeSpan.FromSeconds(10),
                    });
                }
                listen.Run(connection => host!.HandleConnectionAsync(connection));
            });
            kestrel.Listen(address, httpPort, listen =>
            {
                httpListener = listen;
                listen.Protocols = HttpProtocols.Http1;
            });
        });

        var app = builder.Build();
        host = new NetworkHost(app, settings, protocolListener!, httpListener!);
        app.Run(host.HandleHttpAsync);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or InvalidOperationException)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new IOException(e.Message, e);
        }
        return host;
    }

    /// <summary>Stops accepting, lets every session answer its requests in flight (up to the shutdown timeout),
    /// then closes the connections and the ports. Idempotent.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        using var deadline = new CancellationTokenSource(_settings.Limits.ShutdownTimeout);
        await _app.StopAsync(deadline.Token).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task HandleConnectionAsync(ConnectionContext connection)
    {
        var metrics = _settings.Metrics;
        var limit = _settings.Limits.MaxConnections;
        if (metrics.ConnectionOpened() > limit)
        {
            metrics.ConnectionClosed();
            metrics.ConnectionRejected();
            metrics.Error(ErrorCode.Busy);
            using var buffer = new FrameBuffer();
            var frame = buffer.Build(Opcode.None, FrameFlags.Response | FrameFlags.Error, 0,
                new ErrorResponse(ErrorCode.Busy, $"the server has reached its limit of {limit} connections"));
            await connection.Transport.Output.WriteAsync(frame).ConfigureAwait(false);
            await connection.Transport.Output.CompleteAsync().ConfigureAwait(false);
            await connection.Transport.Input.CompleteAsync().ConfigureAwait(false);
            return;
        }

        try
        {
            var closeRequested = connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested
                ?? CancellationToken.None;
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(closeRequested, _stopping.Token);
            var session = new ProtocolSession(connection.Transport, _settings, connection.ConnectionClosed);
            await session.RunAsync(stop.Token).ConfigureAwait(false);
        }
        finally
        {
            metrics.ConnectionClosed();
        }
    }

    private Task HandleHttpAsync(HttpContext context)
    {
        var response = context.Response;
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return Task.CompletedTask;
        }
        switch (context.Request.Path.Value)
        {
            case "/health":
                response.ContentType = "text/plain; charset=utf-8";
                return response.WriteAsync("ok\n");
            case "/ready":
                response.ContentType = "text/plain; charset=utf-8";
                if (!IsReady)
                {
                    response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                    return response.WriteAsync("stopping\n");
                }
                return response.WriteAsync("ready\n" + Metrics.ReadyDetail?.Invoke());
            case "/metrics":
                response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                return response.WriteAsync(Metrics.ToPrometheusText());
            default:
                response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
        }
    }
}
