using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>CERTIFICATE_VERIFY request: <c>[certificate: Certificate]</c>: check that the Merkle root matches the
/// items and that every item's record still exists with the same content.</summary>
public sealed class CertificateVerifyRequest : IWireMessage<CertificateVerifyRequest>
{
    /// <summary>Creates the request.</summary>
    public CertificateVerifyRequest(Certificate certificate) => Certificate = certificate;

    /// <summary>The certificate to check.</summary>
    public Certificate Certificate { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(1);
        Certificate.Write(ref writer);
    }

    /// <inheritdoc/>
    public static CertificateVerifyRequest Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 1, "CERTIFICATE_VERIFY");
        var certificate = Certificate.Read(ref reader);
        Fields.SkipExtraFields(ref reader, count, 1);
        return new CertificateVerifyRequest(certificate);
    }
}
