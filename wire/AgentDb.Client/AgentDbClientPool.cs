using System.Globalization;
using AgentDb.Wire.Frames;
using AgentDb.Wire.Messages;

namespace AgentDb.Client;

/// <summary>
/// Several pipelined connections to one server, used as one client: each request goes to the connection with the
/// fewest requests in flight; a broken connection is replaced on next use; transient failures are retried and
/// NOT_PRIMARY is followed to the primary it names, as <see cref="AgentDbRetryPolicy"/> says. Thread-safe.
/// </summary>
/// <remarks>
/// Connections are opened on first use (or all at once by <see cref="ConnectAsync"/>). After a redirect the pool's
/// endpoint is the primary's: new requests go there, and connections to the old server are closed once their
/// requests in flight are answered. Errors that are not retried reach the caller as <see cref="AgentDbClient"/>
/// throws them; a request whose retries run out throws the last failure.
/// </remarks>
public sealed class AgentDbClientPool : IAgentDbSender, IAsyncDisposable
{
    private const int MaxConnections = 1024;

    private readonly string? _apiKey;
    private readonly AgentDbClientPoolOptions _options;
    private readonly Slot[] _slots;
    private readonly CancellationTokenSource _disposing = new();
    private ServerEndpoint _endpoint;
    private int _nextSlot;
    private int _disposed;

    /// <summary>Creates the pool; no connection is opened until the first request or <see cref="ConnectAsync"/>.</summary>
    /// <param name="host">The server's host name or IP address.</param>
    /// <param name="port">The server's protocol port.</param>
    /// <param name="apiKey">The API key; null when the server runs without keys.</param>
    /// <param name="options">Settings; null for <see cref="AgentDbClientPoolOptions.Default"/>.</param>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public AgentDbClientPool(string host, int port, string? apiKey, AgentDbClientPoolOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65_535);
        options ??= AgentDbClientPoolOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Connections, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Connections, MaxConnections, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxAttempts, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxRedirects, nameof(options));
        _apiKey = apiKey;
        _options = options;
        _endpoint = new ServerEndpoint(host, port);
        _slots = new Slot[options.Connections];
        for (var i = 0; i < _slots.Length; i++)
        {
            _slots[i] = new Slot();
        }
    }

    /// <summary>The server requests go to: the one given, or the primary a NOT_PRIMARY answer named.</summary>
    public string Endpoint => Volatile.Read(ref _endpoint).ToString();

    /// <summary>Opens every connection now (HELLO included), so the first requests do not pay for it.</summary>
    /// <exception cref="AgentDbException">HELLO was refused.</exception>
    /// <exception cref="AgentDbConnectionException">A connection failed.</exception>
    /// <exception cref="TimeoutException">Connecting took longer than the connect timeout.</exception>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        var opening = new Task<AgentDbClient>[_slots.Length];
        for (var i = 0; i < _slots.Length; i++)
        {
            opening[i] = AcquireAsync(_slots[i], cancellationToken);
        }
        await Task.WhenAll(opening).ConfigureAwait(false);
    }

    /// <summary>Sends any request on the least busy connection, retrying and following NOT_PRIMARY as
    /// <see cref="AgentDbRetryPolicy"/> says.</summary>
    /// <exception cref="AgentDbException">The server answered with an error that is not retried, or retries ran out.</exception>
    /// <exception cref="AgentDbConnectionException">The connection failed and the request is not retried.</exception>
    /// <exception cref="TimeoutException">No answer within the request timeout.</exception>
    /// <exception cref="ObjectDisposedException">The pool was disposed.</exception>
    public async Task<TResponse> SendAsync<TRequest, TResponse>(Opcode opcode, TRequest request, CancellationToken cancellationToken = default)
        where TRequest : IWireMessage<TRequest>
        where TResponse : IWireMessage<TResponse>
    {
        var attempt = 1;
        var redirects = 0;
        while (true)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
            var slot = PickSlot();
            Interlocked.Increment(ref slot.InFlight);
            RetryDecision decision;
            try
            {
                var client = await AcquireAsync(slot, cancellationToken).ConfigureAwait(false);
                return await client.SendAsync<TRequest, TResponse>(opcode, request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when ((decision = AgentDbRetryPolicy.Decide(opcode, e)) switch
            {
                RetryDecision.Retry => attempt < _options.MaxAttempts,
                RetryDecision.Redirect => redirects < _options.MaxRedirects && TryRedirect((AgentDbException)e),
                _ => false,
            })
            {
                if (decision == RetryDecision.Redirect)
                {
                    redirects++;
                }
                else
                {
                    await Task.Delay(Backoff(attempt), cancellationToken).ConfigureAwait(false);
                    attempt++;
                }
            }
            finally
            {
                Interlocked.Decrement(ref slot.InFlight);
            }
        }
    }

    /// <summary>Closes every connection; requests in flight fail with <see cref="AgentDbConnectionException"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        await _disposing.CancelAsync().ConfigureAwait(false);
        foreach (var slot in _slots)
        {
            await slot.Gate.WaitAsync().ConfigureAwait(false);
            try
            {
                if (slot.Client is { } client)
                {
                    slot.Client = null;
                    await client.DisposeAsync().ConfigureAwait(false);
                }
            }
            finally
            {
                slot.Gate.Release();
            }
        }
        _disposing.Dispose();
    }

    /// <summary>Requests in flight per connection slot, for tests.</summary>
    internal int[] InFlightByConnection()
    {
        var counts = new int[_slots.Length];
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] = Volatile.Read(ref _slots[i].InFlight);
        }
        return counts;
    }

    /// <summary>Parses the <c>host:port</c> a NOT_PRIMARY error carries (an IPv6 host in brackets).</summary>
    internal static bool TryParseAddress(string address, out string host, out int port)
    {
        host = "";
        port = 0;
        var colon = address.LastIndexOf(':');
        if (colon <= 0 || colon == address.Length - 1
            || !int.TryParse(address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port)
            || port is < 1 or > 65_535)
        {
            return false;
        }
        var name = address.AsSpan(0, colon);
        if (name.Length > 2 && name[0] == '[' && name[^1] == ']')
        {
            name = name[1..^1];
        }
        else if (name.Contains(':'))
        {
            return false; // an IPv6 literal must be bracketed
        }
        host = name.ToString();
        return host.Length > 0;
    }

    private bool TryRedirect(AgentDbException notPrimary)
    {
        if (!TryParseAddress(notPrimary.PrimaryAddress!, out var host, out var port))
        {
            return false;
        }
        Volatile.Write(ref _endpoint, new ServerEndpoint(host, port));
        return true;
    }

    private TimeSpan Backoff(int attempt)
    {
        var baseTicks = _options.RetryDelay.Ticks << Math.Min(attempt - 1, 20);
        var ticks = Math.Min(baseTicks + (long)(Random.Shared.NextDouble() * 0.5 * baseTicks), _options.MaxRetryDelay.Ticks);
        return TimeSpan.FromTicks(Math.Max(ticks, 0));
    }

    /// <summary>The slot with the fewest requests in flight, starting the scan at a rotating position so ties spread.</summary>
    private Slot PickSlot()
    {
        var slots = _slots;
        var start = (int)((uint)Interlocked.Increment(ref _nextSlot) % (uint)slots.Length);
        var best = slots[start];
        var bestLoad = Volatile.Read(ref best.InFlight);
        for (var i = 1; i < slots.Length && bestLoad > 0; i++)
        {
            var candidate = slots[(start + i) % slots.Length];
            var load = Volatile.Read(ref candidate.InFlight);
            if (load < bestLoad)
            {
                best = candidate;
                bestLoad = load;
            }
        }
        return best;
    }

    /// <summary>The slot's connection if it is open and to the current endpoint; else a new one (the old one is
    /// closed once idle).</summary>
    private async Task<AgentDbClient> AcquireAsync(Slot slot, CancellationToken cancellationToken)
    {
        var endpoint = Volatile.Read(ref _endpoint);
        if (slot.Client is { IsConnected: true } ready && ReferenceEquals(slot.Endpoint, endpoint))
        {
            return ready;
        }
        await slot.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
            endpoint = Volatile.Read(ref _endpoint);
            if (slot.Client is { IsConnected: true } current && ReferenceEquals(slot.Endpoint, endpoint))
            {
                return current;
            }
            if (slot.Client is { } old)
            {
                slot.Client = null;
                _ = CloseWhenIdleAsync(old);
            }
            var client = await AgentDbClient.ConnectAsync(endpoint.Host, endpoint.Port, _apiKey, _options.Client, cancellationToken)
                .ConfigureAwait(false);
            slot.Endpoint = endpoint;
            slot.Client = client;
            return client;
        }
        finally
        {
            slot.Gate.Release();
        }
    }

    /// <summary>Lets the requests in flight on a replaced connection finish (bounded by the request timeout), then
    /// closes it.</summary>
    private async Task CloseWhenIdleAsync(AgentDbClient client)
    {
        var timeout = _options.Client.RequestTimeout;
        var deadline = timeout == Timeout.InfiniteTimeSpan ? long.MaxValue : Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        try
        {
            while (client.IsConnected && client.InFlight > 0 && Environment.TickCount64 < deadline && !_disposing.IsCancellationRequested)
            {
                await Task.Delay(20, _disposing.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        catch (ObjectDisposedException)
        {
            // The pool was disposed meanwhile.
        }
        await client.DisposeAsync().ConfigureAwait(false);
    }

    private sealed class Slot
    {
        public readonly SemaphoreSlim Gate = new(1, 1);
        public int InFlight;
        public AgentDbClient? Client;
        public ServerEndpoint? Endpoint;
    }

    private sealed record ServerEndpoint(string Host, int Port)
    {
        public override string ToString() =>
            Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
    }
}
