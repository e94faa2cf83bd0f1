using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AgentDb.Client;

namespace AgentDb.Server.Tests.Network.Tls;

/// <summary>Self-signed server certificates made in the test (no file from outside), and a client that trusts exactly one.</summary>
internal static class TestCertificates
{
    /// <summary>A self-signed certificate for "localhost" and 127.0.0.1 with its ECDSA P-256 private key, valid for a day.</summary>
    public static X509Certificate2 CreateSelfSigned(string subject = "localhost")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(subject);
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
    }

    /// <summary>Writes the certificate and its key as two PEM files; returns their paths.</summary>
    public static (string Certificate, string Key) WritePem(X509Certificate2 certificate, string directory)
    {
        var certificatePath = Path.Combine(directory, "server.crt");
        var keyPath = Path.Combine(directory, "server.key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        using var key = certificate.GetECDsaPrivateKey()!;
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath);
    }

    /// <summary>Writes the certificate with its key as a password-protected PKCS#12 file; returns its path.</summary>
    public static string WritePfx(X509Certificate2 certificate, string directory, string password)
    {
        var path = Path.Combine(directory, "server.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, password));
        return path;
    }

    /// <summary>Client options that speak TLS and accept exactly <paramref name="trusted"/> (pinned by thumbprint).</summary>
    public static AgentDbClientOptions TrustOnly(X509Certificate2 trusted) => new()
    {
        UseTls = true,
        TlsTargetHost = "localhost",
        RequestTimeout = TimeSpan.FromSeconds(20),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        RemoteCertificateValidation = (_, presented, _, _) =>
            presented is not null && presented.GetCertHashString() == trusted.GetCertHashString(),
    };
}
