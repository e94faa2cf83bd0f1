using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AgentDb.Server.Hosting;

/// <summary>
/// Loads the server's TLS certificate with its private key: PEM (certificate and key in one file, or the key in a
/// second file; an encrypted key takes the password) or PKCS#12 (.pfx/.p12, optionally with a password). The format
/// is recognised by the content (a PEM file starts its blocks with <c>-----BEGIN</c>), not by the file name.
/// </summary>
internal static class TlsCertificateLoader
{
    private const int PemProbeBytes = 4096;

    /// <summary>Loads the certificate; on failure <paramref name="error"/> names the file and says why.</summary>
    /// <param name="settings">The files.</param>
    /// <param name="password">The PKCS#12 or encrypted-key password; null or empty for none.</param>
    /// <param name="certificate">The certificate with its private key, when this returns true.</param>
    /// <param name="error">One sentence for stderr, when this returns false.</param>
    public static bool TryLoad(
        TlsSettings settings,
        string? password,
        [NotNullWhen(true)] out X509Certificate2? certificate,
        [NotNullWhen(false)] out string? error)
    {
        certificate = null;
        var path = settings.CertificateFile;
        if (!File.Exists(path))
        {
            error = $"TLS certificate file {path} does not exist";
            return false;
        }
        if (settings.KeyFile is { } keyPath && !File.Exists(keyPath))
        {
            error = $"TLS key file {keyPath} does not exist";
            return false;
        }

        bool isPem;
        try
        {
            isPem = LooksLikePem(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"cannot read TLS certificate file {path}: {e.Message}";
            return false;
        }

        X509Certificate2 loaded;
        try
        {
            if (isPem)
            {
                loaded = string.IsNullOrEmpty(password)
                    ? X509Certificate2.CreateFromPemFile(path, settings.KeyFile)
                    : X509Certificate2.CreateFromEncryptedPemFile(path, password, settings.KeyFile);
            }
            else
            {
                if (settings.KeyFile is not null)
                {
                    error = $"TLS certificate file {path} is not PEM: a PKCS#12 file holds its own key, so give no key file";
                    return false;
                }
                loaded = X509CertificateLoader.LoadPkcs12FromFile(path, string.IsNullOrEmpty(password) ? null : password);
            }
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            var what = isPem
                ? $"TLS certificate {path}{(settings.KeyFile is null ? "" : $" with key {settings.KeyFile}")} is not a usable PEM certificate and private key"
                : $"TLS certificate {path} is not a usable PKCS#12 file (or the password in AGENTDB_TLS_PASSWORD is wrong)";
            error = $"{what}: {e.Message}";
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"cannot read TLS certificate {path}: {e.Message}";
            return false;
        }

        if (!loaded.HasPrivateKey)
        {
            loaded.Dispose();
            error = $"TLS certificate {path} has no private key";
            return false;
        }
        certificate = loaded;
        error = null;
        return true;
    }

    private static bool LooksLikePem(string path)
    {
        using var file = File.OpenRead(path);
        Span<byte> head = stackalloc byte[PemProbeBytes];
        var read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return head[..read].IndexOf("-----BEGIN "u8) >= 0;
    }
}
