using System.Globalization;

namespace AgentDb.Failover;

/// <summary>
/// The members of a failover cluster as this node sees them: its own Raft endpoint, the other members' Raft endpoints,
/// and the protocol address clients and replicas use to reach this node (published to the others as Raft member
/// metadata). Every address is <c>host:port</c>; hosts are IP literals or <c>localhost</c>.
/// </summary>
public sealed record ClusterOptions
{
    /// <summary>The metadata key under which a member publishes its protocol address.</summary>
    public const string ProtocolAddressKey = "agentdb.protocol";

    /// <summary>This node's Raft endpoint (listened on by DotNext's TCP transport).</summary>
    public required string Node { get; init; }

    /// <summary>The other members' Raft endpoints (at least one; three nodes in all is the smallest cluster that survives a loss).</summary>
    public required IReadOnlyList<string> Peers { get; init; }

    /// <summary>This node's protocol address as the other members and clients reach it.</summary>
    public required string Advertise { get; init; }

    /// <summary>The lower bound of the Raft election timeout, milliseconds.</summary>
    public int LowerElectionTimeoutMs { get; init; } = 150;

    /// <summary>The upper bound of the Raft election timeout, milliseconds.</summary>
    public int UpperElectionTimeoutMs { get; init; } = 300;

    /// <summary>Null when the options are usable, else the reason (naming the option).</summary>
    public string? Validate()
    {
        if (CheckAddress(Node) is { } badNode)
        {
            return $"cluster node: {badNode}";
        }
        if (CheckAddress(Advertise) is { } badAdvertise)
        {
            return $"cluster advertise address: {badAdvertise}";
        }
        if (Peers.Count == 0)
        {
            return "cluster peers: at least one other member is needed (three members in all survive the loss of one)";
        }
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { Normalize(Node) };
        foreach (var peer in Peers)
        {
            if (CheckAddress(peer) is { } badPeer)
            {
                return $"cluster peers: {badPeer}";
            }
            if (!seen.Add(Normalize(peer)))
            {
                return $"cluster peers: '{peer}' is listed twice or is this node itself";
            }
        }
        if (LowerElectionTimeoutMs < 10 || UpperElectionTimeoutMs <= LowerElectionTimeoutMs || UpperElectionTimeoutMs > 60_000)
        {
            return $"cluster election timeout: {LowerElectionTimeoutMs}–{UpperElectionTimeoutMs} ms is not a range with 10 ≤ lower < upper ≤ 60000";
        }
        return null;
    }

    /// <summary>Null when <paramref name="address"/> is <c>host:port</c> with a port of 1–65535 and an IP literal or <c>localhost</c> host, else the reason.</summary>
    public static string? CheckAddress(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var colon = address.LastIndexOf(':');
        if (colon <= 0 || colon == address.Length - 1)
        {
            return $"'{address}' is not host:port";
        }
        if (!int.TryParse(address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return $"'{address}' has no port between 1 and 65535";
        }
        var host = address[..colon].Trim('[', ']');
        if (!string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) && !System.Net.IPAddress.TryParse(host, out _))
        {
            return $"'{address}': the host must be an IP address or localhost";
        }
        return null;
    }

    /// <summary>The endpoint of a checked <c>host:port</c> (<c>localhost</c> is 127.0.0.1).</summary>
    public static System.Net.IPEndPoint ToEndPoint(string address)
    {
        var colon = address.LastIndexOf(':');
        var host = address[..colon].Trim('[', ']');
        var ip = string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) ? System.Net.IPAddress.Loopback : System.Net.IPAddress.Parse(host);
        return new System.Net.IPEndPoint(ip, int.Parse(address.AsSpan(colon + 1), CultureInfo.InvariantCulture));
    }

    private static string Normalize(string address) => ToEndPoint(address).ToString();
}
