using AgentDb.Memory;
using AgentDb.Wire.Messages.Memory;

namespace AgentDb.Server.Engine.Memory;

/// <summary>CERTIFICATE_VERIFY: checks a certificate's root and every record it names against the stores.</summary>
internal sealed class CertificateVerifyHandler(AgentMemory memory) : MemoryOperation<CertificateVerifyRequest, CertificateVerifyResponse>(memory)
{
    protected override ValueTask<CertificateVerifyResponse> ExecuteAsync(CertificateVerifyRequest message, CancellationToken cancellationToken)
    {
        var verification = MemoryConversions.ToCertificate(message.Certificate).Verify(Memory.Stores);
        return ValueTask.FromResult(new CertificateVerifyResponse(verification.IsValid, verification.Problems));
    }
}
