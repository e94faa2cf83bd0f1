using AgentDb.Server.Network.Handlers;
using AgentDb.Wire.Frames;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Tests.Network.Auth;

/// <summary>Which role may call which opcode; the replication role stands aside from read &lt; write &lt; admin.</summary>
public sealed class OperationRolesTests
{
    [Theory]
    [InlineData(AccessRole.Read, Opcode.Get, true)]
    [InlineData(AccessRole.Read, Opcode.Upsert, false)]
    [InlineData(AccessRole.Write, Opcode.Upsert, true)]
    [InlineData(AccessRole.Write, Opcode.Checkpoint, false)]
    [InlineData(AccessRole.Admin, Opcode.Checkpoint, true)]
    [InlineData(AccessRole.Read, Opcode.ReplSubscribe, false)]
    [InlineData(AccessRole.Write, Opcode.ReplAck, false)]
    [InlineData(AccessRole.Admin, Opcode.ReplSubscribe, true)]
    [InlineData(AccessRole.Replication, Opcode.ReplSubscribe, true)]
    [InlineData(AccessRole.Replication, Opcode.ReplAck, true)]
    [InlineData(AccessRole.Replication, Opcode.Search, true)]
    [InlineData(AccessRole.Replication, Opcode.Stats, true)]
    [InlineData(AccessRole.Replication, Opcode.Upsert, false)]
    [InlineData(AccessRole.Replication, Opcode.Batch, false)]
    [InlineData(AccessRole.Replication, Opcode.CollectionCreate, false)]
    [InlineData(AccessRole.Replication, Opcode.Checkpoint, false)]
    public void Allows_FollowsTheRoleRules(AccessRole role, Opcode opcode, bool allowed) =>
        Assert.Equal(allowed, OperationRoles.Allows(role, opcode));
}
