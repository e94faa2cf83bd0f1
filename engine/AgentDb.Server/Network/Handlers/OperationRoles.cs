using AgentDb.Wire.Frames;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Network.Handlers;

/// <summary>The role each operation needs (docs/PROTOCOL.md section 4). Roles are ordered read &lt; write &lt; admin;
/// <c>replication</c> stands aside: it may call the replication opcodes (as may admin) and the read operations only.</summary>
internal static class OperationRoles
{
    public static AccessRole Required(Opcode opcode) => opcode switch
    {
        Opcode.Upsert or Opcode.Delete or Opcode.Batch => AccessRole.Write,
        Opcode.CollectionCreate or Opcode.CollectionDrop or Opcode.Checkpoint => AccessRole.Admin,
        _ when OpcodeInfo.IsReplication(opcode) => AccessRole.Replication,
        _ when MemoryOpcodes.IsWrite(opcode) => AccessRole.Write,
        _ => AccessRole.Read,
    };

    public static bool Allows(AccessRole callerRole, Opcode opcode)
    {
        var required = Required(opcode);
        if (required == AccessRole.Replication)
        {
            return callerRole is AccessRole.Replication or AccessRole.Admin;
        }
        if (callerRole == AccessRole.Replication)
        {
            return required == AccessRole.Read;
        }
        return callerRole >= required;
    }
}
