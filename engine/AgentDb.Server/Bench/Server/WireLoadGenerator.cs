using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using AgentDb.Wire;
using AgentDb.Wire.Frames;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Bench.Server;

/// <summary>
/// Drives a server over raw sockets like <c>redis-benchmark -c N -P D</c>: N connections, each writing D requests in
/// one send and then reading the D answers, until the run's requests are spent. Requests are encoded before the run
/// (the generator only patches request ids), so the measured cost is the server's and the network's, not the
/// client library's. A request's latency runs from the send of its pipeline batch to the arrival of its answer. Every
/// answer is checked: its request id must be one of its connection's batch in flight, each answered once.
/// </summary>
internal static class WireLoadGenerator
{
    private const int ReceiveBufferBytes = 1 << 20;

    /// <summary>Runs <paramref name="totalRequests"/> requests over <paramref name="connections"/> connections, after
    /// warm-up rounds over the same connections.</summary>
    /// <param name="server">Where the server listens.</param>
    /// <param name="connections">Connections, each with its own socket and loop.</param>
    /// <param name="depth">Requests in flight per connection.</param>
    /// <param name="totalRequests">Requests in the run, spread evenly over the connections.</param>
    /// <param name="framesFor">The encoded request frames connection i cycles through (request id patched per send).</param>
    /// <param name="warmupRequests">Requests of each unrecorded warm-up round (0: none).</param>
    /// <param name="minWarmup">Warm-up rounds follow each other until this much time has passed (at least one round,
    /// at most <paramref name="maxWarmupRounds"/>).</param>
    /// <param name="maxWarmupRounds">The most warm-up rounds.</param>
    /// <param name="measuring">Called after the warm-up, right before the measured round (to read CPU counters).</param>
    /// <param name="measured">Called as soon as the measured round's last answer arrived (before its latencies are sorted).</param>
    /// <exception cref="IOException">A connection failed, the server answered HELLO with an error, or an answer carried a
    /// request id that was not in flight.</exception>
    public static async Task<LatencySummary> RunAsync(
        IPEndPoint server, int connections, int depth, long totalRequests, Func<int, byte[][]> framesFor,
        long warmupRequests = 0, TimeSpan minWarmup = default, int maxWarmupRounds = 1, Action? measuring = null, Action? measured = null)
    {
        var loops = new Connection[connections];
        try
        {
            for (var i = 0; i < connections; i++)
            {
                loops[i] = await Connection.OpenAsync(server, framesFor(i), depth).ConfigureAwait(false);
            }
            // The warm-up runs over the connections the measured run then uses: no connection is opened or closed while
            // the measured run goes on.
            var warmupBegan = Stopwatch.GetTimestamp();
            for (var round = 0; warmupRequests > 0 && round < maxWarmupRounds && (round == 0 || Stopwatch.GetElapsedTime(warmupBegan) < minWarmup); round++)
            {
                _ = await RunRoundAsync(loops, warmupRequests, null).ConfigureAwait(false);
            }
            measuring?.Invoke();
            return await RunRoundAsync(loops, totalRequests, measured).ConfigureAwait(false);
        }
        finally
        {
            foreach (var loop in loops)
            {
                loop?.Dispose();
            }
        }
    }

    /// <summary>One round of <paramref name="totalRequests"/> requests spread over the connections, all starting together.</summary>
    private static async Task<LatencySummary> RunRoundAsync(Connection[] loops, long totalRequests, Action? finished)
    {
        var connections = loops.Length;
        var latencies = new long[connections][];
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = new Task<long>[connections];
        for (var i = 0; i < connections; i++)
        {
            latencies[i] = new long[totalRequests / connections + (i < totalRequests % connections ? 1 : 0)];
            running[i] = loops[i].RunAsync(start.Task, latencies[i]);
        }
        var began = Stopwatch.GetTimestamp();
        start.SetResult();
        await Task.WhenAll(running).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(began);
        finished?.Invoke();

        var all = new long[totalRequests];
        long offset = 0, errors = 0;
        for (var i = 0; i < connections; i++)
        {
            latencies[i].CopyTo(all, offset);
            offset += latencies[i].Length;
            errors += running[i].Result;
        }
        return LatencySummary.From(all, errors, elapsed);
    }

    /// <summary>Encodes one request frame (request id 0, patched at send time).</summary>
    public static byte[] Encode<T>(Opcode opcode, T message) where T : IWireMessage<T>
    {
        using var buffer = new FrameBuffer();
        return buffer.Build(opcode, FrameFlags.None, 0, message).ToArray();
    }

    private sealed class Connection : IDisposable
    {
        private readonly Socket _socket;
        private readonly byte[][] _frames;
        private readonly int _depth;
        private readonly byte[] _send;
        private readonly byte[] _receive = new byte[ReceiveBufferBytes];
        private readonly bool[] _answered;

        private Connection(Socket socket, byte[][] frames, int depth)
        {
            _socket = socket;
            _frames = frames;
            _depth = depth;
            var largest = 0;
            foreach (var frame in frames)
            {
                largest = Math.Max(largest, frame.Length);
            }
            _send = new byte[largest * depth];
            _answered = new bool[Math.Max(depth, 1)];
        }

        // Request ids and the frame cycle go on across rounds; request id 1 is HELLO's.
        private ulong _nextRequestId = 2;
        private int _nextFrame;

        public static async Task<Connection> OpenAsync(IPEndPoint server, byte[][] frames, int depth)
        {
            var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            var connection = new Connection(socket, frames, depth);
            try
            {
                await socket.ConnectAsync(server).ConfigureAwait(false);
                var hello = Encode(Opcode.Hello, new HelloRequest(WireInfo.ProtocolVersion, WireInfo.ProtocolVersion, null, "agentdb-bench"));
                BinaryPrimitives.WriteUInt64LittleEndian(hello.AsSpan(8), 1);
                await socket.SendAsync(hello, SocketFlags.None).ConfigureAwait(false);
                var (helloErrors, _) = await connection.ReadAnswersAsync(1, null, 0, 0, 1, 0).ConfigureAwait(false);
                if (helloErrors > 0)
                {
                    throw new IOException("the server refused HELLO (does it require an API key?)");
                }
                return connection;
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }

        /// <summary>Sends <paramref name="latencies"/>.Length requests in batches of the depth, recording each one's latency.</summary>
        /// <returns>How many were answered with an error frame.</returns>
        public async Task<long> RunAsync(Task start, long[] latencies)
        {
            await start.ConfigureAwait(false);
            long errors = 0;
            var done = 0;
            var carried = 0;
            // Bounded: each pass answers min(depth, remaining) > 0 requests.
            while (done < latencies.Length)
            {
                var batch = Math.Min(_depth, latencies.Length - done);
                var firstId = _nextRequestId;
                var length = 0;
                for (var b = 0; b < batch; b++)
                {
                    var frame = _frames[_nextFrame];
                    _nextFrame = _nextFrame + 1 == _frames.Length ? 0 : _nextFrame + 1;
                    frame.CopyTo(_send, length);
                    BinaryPrimitives.WriteUInt64LittleEndian(_send.AsSpan(length + 8), _nextRequestId++);
                    length += frame.Length;
                }
                var sent = Stopwatch.GetTimestamp();
                var offset = 0;
                while (offset < length)
                {
                    offset += await _socket.SendAsync(_send.AsMemory(offset, length - offset), SocketFlags.None).ConfigureAwait(false);
                }
                (var batchErrors, carried) = await ReadAnswersAsync(batch, latencies, done, sent, firstId, carried).ConfigureAwait(false);
                errors += batchErrors;
                done += batch;
            }
            return errors;
        }

        /// <summary>Reads until <paramref name="count"/> answers have arrived, to requests
        /// <paramref name="firstId"/> to <paramref name="firstId"/> + <paramref name="count"/> - 1 in any order, recording
        /// their latencies from <paramref name="sent"/> in <paramref name="latencies"/> (when given) at
        /// <paramref name="first"/> onwards.</summary>
        /// <returns>The answers that were error frames, and the bytes of further answers already received (none in
        /// practice: the peer answers only what was asked).</returns>
        /// <exception cref="IOException">An answer's request id is not in the batch, or answered twice.</exception>
        private async Task<(long Errors, int Carried)> ReadAnswersAsync(int count, long[]? latencies, int first, long sent, ulong firstId, int filled)
        {
            var answered = 0;
            long errors = 0;
            Array.Clear(_answered);
            while (true)
            {
                var position = 0;
                while (filled - position >= FrameHeader.Size)
                {
                    var frameLength = FrameHeader.Size + (int)BinaryPrimitives.ReadUInt32LittleEndian(_receive.AsSpan(position + 16));
                    if (frameLength > _receive.Length)
                    {
                        throw new IOException($"an answer of {frameLength} bytes does not fit the benchmark's receive buffer");
                    }
                    if (filled - position < frameLength)
                    {
                        break;
                    }
                    var index = BinaryPrimitives.ReadUInt64LittleEndian(_receive.AsSpan(position + 8)) - firstId;
                    if (index >= (ulong)count || _answered[index])
                    {
                        throw new IOException($"an answer carries request id {firstId + index}, which is not in the batch in flight " +
                            $"({firstId} to {firstId + (ulong)count - 1}) or was answered before");
                    }
                    _answered[index] = true;
                    if ((((FrameFlags)_receive[position + 3]) & FrameFlags.Error) != 0)
                    {
                        errors++;
                    }
                    if (latencies is not null)
                    {
                        latencies[first + answered] = Stopwatch.GetTimestamp() - sent;
                    }
                    answered++;
                    position += frameLength;
                }
                if (position > 0)
                {
                    _receive.AsSpan(position, filled - position).CopyTo(_receive);
                    filled -= position;
                }
                if (answered >= count)
                {
                    return (errors, filled);
                }
                var read = await _socket.ReceiveAsync(_receive.AsMemory(filled), SocketFlags.None).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new IOException("the server closed a benchmark connection");
                }
                filled += read;
            }
        }

        public void Dispose() => _socket.Dispose();
    }
}
