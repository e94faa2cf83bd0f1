using System.Globalization;
using System.Text;
using AgentDb.Wire.Frames;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Network;

/// <summary>Counters for /metrics, updated with interlocked increments from every session (once per read or flush, not
/// per request); no locks, no allocation.</summary>
internal sealed class ServerMetrics
{
    // One per defined opcode, plus one for unknown opcodes (the last): sized from the protocol, so a new opcode family
    // can never index past the end.
    private static readonly int s_opcodeSlots = OpcodeInfo.All.Length + 1;
    private static readonly ErrorCode[] s_errorCodes = Enum.GetValues<ErrorCode>();

    private readonly long[] _requestsByOpcode = new long[s_opcodeSlots];
    private readonly long[] _errorsByCode = new long[s_errorCodes.Length];
    private long _connectionsActive;
    private long _connectionsTotal;
    private long _connectionsRejected;
    private long _framesIn;
    private long _framesOut;
    private long _bytesIn;
    private long _bytesOut;

    public long ConnectionsActive => Interlocked.Read(ref _connectionsActive);

    /// <summary>Appends further metric families (replication's) to <see cref="ToPrometheusText"/>; null for none.</summary>
    public Action<StringBuilder>? AppendExtra { get; init; }

    /// <summary>A line appended to /ready's answer (a cluster member's role, epoch, leader and lag); null or returning null for none.</summary>
    public Func<string?>? ReadyDetail { get; init; }

    /// <summary>Counts a new connection; returns the number open including it.</summary>
    public long ConnectionOpened()
    {
        Interlocked.Increment(ref _connectionsTotal);
        return Interlocked.Increment(ref _connectionsActive);
    }

    public void ConnectionClosed() => Interlocked.Decrement(ref _connectionsActive);

    public void ConnectionRejected() => Interlocked.Increment(ref _connectionsRejected);

    /// <summary>Counts <paramref name="frames"/> frames of <paramref name="bytes"/> bytes in all (a session adds up one read's).</summary>
    public void FramesReceived(long frames, long bytes)
    {
        if (frames == 0)
        {
            return;
        }
        Interlocked.Add(ref _framesIn, frames);
        Interlocked.Add(ref _bytesIn, bytes);
    }

    /// <summary>Counts <paramref name="frames"/> frames of <paramref name="bytes"/> bytes in all (a session adds up one flush's).</summary>
    public void FramesSent(long frames, long bytes)
    {
        if (frames == 0)
        {
            return;
        }
        Interlocked.Add(ref _framesOut, frames);
        Interlocked.Add(ref _bytesOut, bytes);
    }

    public void Request(Opcode opcode) => Interlocked.Increment(ref _requestsByOpcode[Slot(opcode)]);

    /// <summary>Counts <paramref name="count"/> requests of one opcode (a session adds up a read's run of one opcode,
    /// so that a pipelined batch costs one update, not one per request).</summary>
    public void Request(Opcode opcode, long count)
    {
        if (count > 0)
        {
            Interlocked.Add(ref _requestsByOpcode[Slot(opcode)], count);
        }
    }

    public void Error(ErrorCode code)
    {
        var index = Array.IndexOf(s_errorCodes, code);
        if (index >= 0)
        {
            Interlocked.Increment(ref _errorsByCode[index]);
        }
    }

    public long RequestCount(Opcode opcode) => Interlocked.Read(ref _requestsByOpcode[Slot(opcode)]);

    public long ErrorCount(ErrorCode code) => Interlocked.Read(ref _errorsByCode[Array.IndexOf(s_errorCodes, code)]);

    /// <summary>The Prometheus text exposition format (version 0.0.4).</summary>
    public string ToPrometheusText()
    {
        var text = new StringBuilder();
        Metric(text, "agentdb_connections_active", "gauge", "Open protocol connections.", ConnectionsActive);
        Metric(text, "agentdb_connections_total", "counter", "Protocol connections accepted.", Interlocked.Read(ref _connectionsTotal));
        Metric(text, "agentdb_connections_rejected_total", "counter", "Connections refused with BUSY at the connection limit.", Interlocked.Read(ref _connectionsRejected));
        Metric(text, "agentdb_frames_received_total", "counter", "Frames received.", Interlocked.Read(ref _framesIn));
        Metric(text, "agentdb_frames_sent_total", "counter", "Frames sent.", Interlocked.Read(ref _framesOut));
        Metric(text, "agentdb_bytes_received_total", "counter", "Bytes of frames received.", Interlocked.Read(ref _bytesIn));
        Metric(text, "agentdb_bytes_sent_total", "counter", "Bytes of frames sent.", Interlocked.Read(ref _bytesOut));

        text.Append("# HELP agentdb_requests_total Requests received, by opcode.\n# TYPE agentdb_requests_total counter\n");
        foreach (var opcode in OpcodeInfo.All)
        {
            Labelled(text, "agentdb_requests_total", "opcode", OpcodeInfo.Name(opcode), RequestCount(opcode));
        }
        Labelled(text, "agentdb_requests_total", "opcode", "UNKNOWN", RequestCount(Opcode.None));

        text.Append("# HELP agentdb_errors_total Error responses sent, by code.\n# TYPE agentdb_errors_total counter\n");
        foreach (var code in s_errorCodes)
        {
            if (code != ErrorCode.None)
            {
                Labelled(text, "agentdb_errors_total", "code", ErrorCodeName(code), ErrorCount(code));
            }
        }
        AppendExtra?.Invoke(text);
        return text.ToString();
    }

    /// <summary>The protocol name of an error code, e.g. NOT_PRIMARY.</summary>
    public static string ErrorCodeName(ErrorCode code) => code switch
    {
        ErrorCode.BadRequest => "BAD_REQUEST",
        ErrorCode.Unauthorized => "UNAUTHORIZED",
        ErrorCode.Forbidden => "FORBIDDEN",
        ErrorCode.NotFound => "NOT_FOUND",
        ErrorCode.TooLarge => "TOO_LARGE",
        ErrorCode.Busy => "BUSY",
        ErrorCode.NotPrimary => "NOT_PRIMARY",
        ErrorCode.Internal => "INTERNAL",
        ErrorCode.NotImplemented => "NOT_IMPLEMENTED",
        ErrorCode.NotReplicated => "NOT_REPLICATED",
        _ => "NONE",
    };

    private static int Slot(Opcode opcode)
    {
        var index = OpcodeInfo.All.IndexOf(opcode);
        return index < 0 ? s_opcodeSlots - 1 : index;
    }

    private static void Metric(StringBuilder text, string name, string type, string help, long value) =>
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
            .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n')
            .Append(name).Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');

    private static void Labelled(StringBuilder text, string name, string label, string labelValue, long value) =>
        text.Append(name).Append('{').Append(label).Append("=\"").Append(labelValue).Append("\"} ")
            .Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
}
