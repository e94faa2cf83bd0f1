namespace AgentDb.Server.Hosting;

/// <summary>Where the server's TLS certificate is (config file section <c>tls</c>, or <c>--tls-cert</c>/<c>--tls-key</c>).</summary>
/// <param name="CertificateFile">A PEM certificate (with its key, or the key in <paramref name="KeyFile"/>) or a PKCS#12
/// (.pfx/.p12) file holding certificate and key.</param>
/// <param name="KeyFile">The PEM private key when it is not in the certificate file; null otherwise (always null for
/// PKCS#12).</param>
internal sealed record TlsSettings(string CertificateFile, string? KeyFile);
