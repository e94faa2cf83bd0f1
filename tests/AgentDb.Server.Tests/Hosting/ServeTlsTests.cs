using System.Text.RegularExpressions;
using AgentDb.Client;
using AgentDb.Server.Hosting;
using AgentDb.Server.Tests.Network.Tls;

namespace AgentDb.Server.Tests.Hosting;

/// <summary><c>serve</c> with a TLS certificate: PEM and PKCS#12 files, and the exit code 2 for a certificate it
/// cannot use (before the data directory is touched).</summary>
public sealed partial class ServeTlsTests
{
    private static ServerOptions AnyPorts(string dataDirectory) =>
        ServerOptions.Default with { DataDirectory = dataDirectory, Port = 0, HttpPort = 0 };

    [Fact]
    public async Task PemCertificateAndKey_ServesTheProtocolOverTls()
    {
        using var root = new TempDirectory();
        using var certificate = TestCertificates.CreateSelfSigned();
        var (certificateFile, keyFile) = TestCertificates.WritePem(certificate, root.Path);

        await ServeAndPingAsync(
            AnyPorts(Path.Combine(root.Path, "data")) with { TlsCertificateFile = certificateFile, TlsKeyFile = keyFile }, certificate);
    }

    [Fact]
    public async Task PasswordProtectedPfx_FromTheConfigFile_ServesTheProtocolOverTls()
    {
        using var root = new TempDirectory();
        using var certificate = TestCertificates.CreateSelfSigned();
        TestCertificates.WritePfx(certificate, root.Path, "pfx-password");
        var config = Path.Combine(root.Path, "agentdb.json");
        File.WriteAllText(config, """{ "tls": { "certificate": "server.pfx" } }"""); // relative to the config file

        await ServeAndPingAsync(
            AnyPorts(Path.Combine(root.Path, "data")) with { ConfigFile = config, TlsPassword = "pfx-password" }, certificate);
    }

    [Fact]
    public async Task MissingCertificate_ExitsTwo_BeforeTouchingTheDataDirectory()
    {
        using var root = new TempDirectory();
        var missing = Path.Combine(root.Path, "nope.pem");
        var dataDirectory = Path.Combine(root.Path, "data");
        var stderr = new StringWriter();

        var exitCode = await ServeCommand.RunAsync(
            AnyPorts(dataDirectory) with { TlsCertificateFile = missing }, new StringWriter(), stderr, CancellationToken.None);

        Assert.Equal(2, exitCode);
        Assert.Equal($"agentdb: error: TLS certificate file {missing} does not exist", stderr.ToString().TrimEnd());
        Assert.False(Directory.Exists(dataDirectory));
    }

    [Fact]
    public async Task PemWithoutItsKey_ExitsTwo()
    {
        using var root = new TempDirectory();
        using var certificate = TestCertificates.CreateSelfSigned();
        var (certificateFile, _) = TestCertificates.WritePem(certificate, root.Path);
        var stderr = new StringWriter();

        var exitCode = await ServeCommand.RunAsync(
            AnyPorts(Path.Combine(root.Path, "data")) with { TlsCertificateFile = certificateFile }, new StringWriter(), stderr, CancellationToken.None);

        Assert.Equal(2, exitCode);
        Assert.StartsWith($"agentdb: error: TLS certificate {certificateFile} is not a usable PEM certificate and private key", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PfxWithTheWrongPassword_ExitsTwo()
    {
        using var root = new TempDirectory();
        using var certificate = TestCertificates.CreateSelfSigned();
        var pfx = TestCertificates.WritePfx(certificate, root.Path, "right");
        var stderr = new StringWriter();

        var exitCode = await ServeCommand.RunAsync(
            AnyPorts(Path.Combine(root.Path, "data")) with { TlsCertificateFile = pfx, TlsPassword = "wrong" },
            new StringWriter(), stderr, CancellationToken.None);

        Assert.Equal(2, exitCode);
        Assert.StartsWith($"agentdb: error: TLS certificate {pfx} is not a usable PKCS#12 file", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GarbageCertificateFile_ExitsTwo()
    {
        using var root = new TempDirectory();
        var garbage = Path.Combine(root.Path, "server.pem");
        File.WriteAllText(garbage, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
        var stderr = new StringWriter();

        var exitCode = await ServeCommand.RunAsync(
            AnyPorts(Path.Combine(root.Path, "data")) with { TlsCertificateFile = garbage }, new StringWriter(), stderr, CancellationToken.None);

        Assert.Equal(2, exitCode);
        Assert.Contains("is not a usable PEM certificate", stderr.ToString());
        Assert.DoesNotContain("   at ", stderr.ToString(), StringComparison.Ordinal);
    }

    private static async Task ServeAndPingAsync(ServerOptions options, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        using var stop = new CancellationTokenSource();
        var run = ServeCommand.RunAsync(options, stdout, stderr, stop.Token);
        try
        {
            var port = await WaitForReadyAsync(stdout, run);
            Assert.EndsWith(" tls=on", stdout.ToString().Split('\n')[0].TrimEnd(), StringComparison.Ordinal);
            await using var client = await AgentDbClient.ConnectAsync("127.0.0.1", port, null, TestCertificates.TrustOnly(certificate));
            await client.PingAsync();
            // An engine operation through TLS: a fresh server holds only the agent memory's collections.
            Assert.All(await client.ListCollectionsAsync(), c => Assert.StartsWith("mem.", c.Name, StringComparison.Ordinal));
        }
        finally
        {
            await stop.CancelAsync();
        }
        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    private static async Task<int> WaitForReadyAsync(StringWriter stdout, Task<int> run)
    {
        for (var i = 0; i < 300 && !run.IsCompleted; i++)
        {
            var match = ReadyLine().Match(stdout.ToString());
            if (match.Success)
            {
                return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
            await Task.Delay(50);
        }
        Assert.Fail($"no ready line; stdout: {stdout}; exit: {(run.IsCompleted ? run.Result : -1)}");
        return 0;
    }

    [GeneratedRegex(@"agentdb ready: .* protocol=[^ ]*:([0-9]+) ")]
    private static partial Regex ReadyLine();
}
