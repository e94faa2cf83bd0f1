using AgentDb.Wire.Frames;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Replication;

/// <summary>
/// The replicas a write waits for: the request's own <c>w</c> (UPSERT, DELETE, BATCH; PROTOCOL.md) when it sent one,
/// else the server's configured <c>syncReplicas</c>.
/// </summary>
internal static class WriteConcern
{
    /// <summary>Where the <c>w</c> field is in <paramref name="opcode"/>'s request, or -1 when it has none.</summary>
    public static int ReplicasField(Opcode opcode) => opcode switch
    {
        Opcode.Upsert => UpsertRequest.ReplicasField,
        Opcode.Delete => DeleteRequest.ReplicasField,
        Opcode.Batch => BatchRequest.ReplicasField,
        _ => -1,
    };

    /// <summary>
    /// The replicas to wait for: the request's <c>w</c> when above 0, else <paramref name="configured"/>. A body that
    /// does not read (malformed) gives <paramref name="configured"/>: the handler's decoder refuses it anyway, as it
    /// refuses a <c>w</c> above <see cref="WireLimits.MaxReplicas"/>.
    /// </summary>
    public static int Replicas(in Network.Handlers.HandlerRequest request, int configured)
    {
        var field = ReplicasField(request.Opcode);
        if (field < 0 || !OptionalFields.TryReadUInt64(request.Body, field, out var requested) || requested == 0)
        {
            return configured;
        }
        return (int)Math.Min(requested, WireLimits.MaxReplicas);
    }
}
