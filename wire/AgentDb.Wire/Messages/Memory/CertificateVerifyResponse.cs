using MessagePack;

namespace AgentDb.Wire.Messages.Memory;

/// <summary>CERTIFICATE_VERIFY response: <c>[valid: bool, problems: [str]]</c>, one sentence per problem found.</summary>
public sealed class CertificateVerifyResponse : IWireMessage<CertificateVerifyResponse>
{
    /// <summary>Creates the response.</summary>
    public CertificateVerifyResponse(bool isValid, IReadOnlyList<string> problems)
    {
        IsValid = isValid;
        Problems = problems;
    }

    /// <summary>True when the root and every record check out.</summary>
    public bool IsValid { get; }

    /// <summary>What failed.</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(2);
        writer.Write(IsValid);
        MemoryFields.WriteStringList(ref writer, Problems);
    }

    /// <inheritdoc/>
    public static CertificateVerifyResponse Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 2, "CERTIFICATE_VERIFY response");
        var valid = Fields.ReadBoolean(ref reader, "valid");
        var problems = MemoryFields.ReadStringList(ref reader, "problems", MemoryWireLimits.MaxCertificateItems + 1, WireLimits.MaxTextBytes);
        Fields.SkipExtraFields(ref reader, count, 2);
        return new CertificateVerifyResponse(valid, problems);
    }
}
