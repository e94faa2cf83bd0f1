using AgentDb.Wire.Frames;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Network.Handlers;

/// <summary>The role each operation needs (docs/PROTOCOL.md section 4). Roles are ordered read &lt; write &lt; admin.</summary>
internal static class OperationRoles
{
    public static AccessRole Required(Opcode opcode) => opcode switch
    {
        Opcode.Upsert or Opcode.Delete or Opcode.Batch => AccessRole.Write,
        Opcode.CollectionCreate or Opcode.CollectionDrop or Opcode.Checkpoint => AccessRole.Admin,
        _ when MemoryOpcodes.IsWrite(opcode) => AccessRole.Write,
        _ => AccessRole.Read,
    };

    public static bool Allows(AccessRole callerRole, Opcode opcode) => callerRole >= Required(opcode);
}
