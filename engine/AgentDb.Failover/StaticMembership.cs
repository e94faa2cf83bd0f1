using System.Net;
using DotNext.Buffers;
using DotNext.Net.Cluster.Consensus.Raft.Membership;

namespace AgentDb.Failover;

/// <summary>
/// The Raft members, fixed by configuration and kept in memory (DotNext's <see cref="InMemoryClusterConfigurationStorage{TAddress}"/>
/// needs the address encoding): <c>u8 length, address bytes, u16 port</c> little-endian per IP endpoint.
/// </summary>
internal sealed class StaticMembership : InMemoryClusterConfigurationStorage<EndPoint>
{
    /// <summary>Holds exactly <paramref name="members"/> (this node included).</summary>
    public StaticMembership(IEnumerable<IPEndPoint> members)
    {
        var builder = CreateInitialConfigurationBuilder();
        foreach (var member in members)
        {
            builder.Add(member);
        }
        builder.Build();
    }

    protected override void Encode(EndPoint address, ref BufferWriterSlim<byte> output)
    {
        if (address is not IPEndPoint ip)
        {
            throw new ArgumentException($"a cluster member's address must be an IP endpoint, not {address}", nameof(address));
        }
        Span<byte> bytes = stackalloc byte[16];
        if (!ip.Address.TryWriteBytes(bytes, out var written))
        {
            throw new ArgumentException($"the address {ip.Address} does not fit 16 bytes", nameof(address));
        }
        output.Add((byte)written);
        output.Write(bytes[..written]);
        output.Add((byte)ip.Port);
        output.Add((byte)(ip.Port >> 8));
    }

    protected override EndPoint Decode(ref SequenceReader input)
    {
        int length = input.ReadByte();
        if (length is not (4 or 16))
        {
            throw new InvalidDataException($"a cluster member's address has {length} bytes (4 or 16 expected)");
        }
        Span<byte> bytes = stackalloc byte[16];
        input.Read(bytes[..length]);
        int port = input.ReadByte() | (input.ReadByte() << 8);
        return new IPEndPoint(new IPAddress(bytes[..length]), port);
    }
}
