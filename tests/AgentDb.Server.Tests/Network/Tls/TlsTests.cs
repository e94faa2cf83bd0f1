using AgentDb.Client;
using AgentDb.Wire.Frames;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Tests.Network.Tls;

/// <summary>The protocol over TLS on the protocol port: HELLO and operations through the handshake, and what happens
/// to a peer that does not speak TLS (or does not trust the certificate).</summary>
public sealed class TlsTests
{
    [Fact]
    public async Task TlsClient_HelloAndOperations_OverTheTlsPort()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        await using var server = await TestServer.StartAsync(
            keys: TestServer.ThreeKeys, register: h => h.Register(Opcode.Stats, new DelayingStatsHandler()), tlsCertificate: certificate);

        await using var client = await AgentDbClient.ConnectAsync(
            "127.0.0.1", server.Port, TestServer.ReadKey, TestCertificates.TrustOnly(certificate));

        Assert.Equal(AccessRole.Read, client.Session.Role);
        await client.PingAsync();
        var stats = await client.StatsAsync("docs");
        Assert.Equal("request.id", Assert.Single(stats).Key);
        Assert.Equal(1, server.Metrics.RequestCount(Opcode.Stats));
    }

    [Fact]
    public async Task PlainClient_AgainstTheTlsPort_FailsCleanly_AndTheServerCarriesOn()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        await using var server = await TestServer.StartAsync(tlsCertificate: certificate);

        var plain = new AgentDbClientOptions { ConnectTimeout = TimeSpan.FromSeconds(15) };
        await Assert.ThrowsAsync<AgentDbConnectionException>(() => AgentDbClient.ConnectAsync("127.0.0.1", server.Port, null, plain));

        await using var client = await AgentDbClient.ConnectAsync("127.0.0.1", server.Port, null, TestCertificates.TrustOnly(certificate));
        await client.PingAsync();
        Assert.Equal(1, server.Metrics.RequestCount(Opcode.Hello)); // the plain HELLO never reached a session
    }

    [Fact]
    public async Task TlsClient_AgainstAPlainPort_FailsTheHandshake()
    {
        await using var server = await TestServer.StartAsync();
        using var certificate = TestCertificates.CreateSelfSigned();

        var e = await Assert.ThrowsAsync<AgentDbConnectionException>(() =>
            AgentDbClient.ConnectAsync("127.0.0.1", server.Port, null, TestCertificates.TrustOnly(certificate)));

        Assert.Contains("TLS handshake", e.Message);
        await using var plain = await server.ConnectAsync();
        await plain.PingAsync();
    }

    [Fact]
    public async Task TlsClient_WithSystemValidation_RefusesTheSelfSignedCertificate()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        await using var server = await TestServer.StartAsync(tlsCertificate: certificate);

        var e = await Assert.ThrowsAsync<AgentDbConnectionException>(() => AgentDbClient.ConnectAsync(
            "127.0.0.1", server.Port, null, new AgentDbClientOptions { UseTls = true, TlsTargetHost = "localhost" }));

        Assert.Contains("TLS handshake", e.Message);
        Assert.Equal(0, server.Metrics.RequestCount(Opcode.Hello));
    }

    [Fact]
    public async Task TlsClient_PinnedToAnotherCertificate_IsRefused()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        using var other = TestCertificates.CreateSelfSigned();
        await using var server = await TestServer.StartAsync(tlsCertificate: certificate);

        await Assert.ThrowsAsync<AgentDbConnectionException>(() =>
            AgentDbClient.ConnectAsync("127.0.0.1", server.Port, null, TestCertificates.TrustOnly(other)));
    }
}
