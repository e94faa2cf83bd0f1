using AgentDb.Wire.Frames;
using AgentDb.Wire.Messages;

namespace AgentDb.Wire.Tests.Frames;

/// <summary>Values persisted on the wire. A failure here means a peer built from another version breaks: never
/// "fix" a failure by changing the expected value; append a new member instead.</summary>
public sealed class EnumGoldenValueTests
{
    [Fact]
    public void Opcodes_KeepTheirValues()
    {
        var expected = new Dictionary<Opcode, ushort>
        {
            [Opcode.None] = 0x0000,
            [Opcode.Hello] = 0x0001,
            [Opcode.Ping] = 0x0002,
            [Opcode.CollectionCreate] = 0x0010,
            [Opcode.CollectionDrop] = 0x0011,
            [Opcode.CollectionList] = 0x0012,
            [Opcode.Upsert] = 0x0020,
            [Opcode.Get] = 0x0021,
            [Opcode.Delete] = 0x0022,
            [Opcode.Batch] = 0x0023,
            [Opcode.Search] = 0x0030,
            [Opcode.Stats] = 0x0040,
            [Opcode.Checkpoint] = 0x0041,
            [Opcode.ReplSubscribe] = 0x2000,
            [Opcode.ReplEntries] = 0x2001,
            [Opcode.ReplAck] = 0x2002,
            [Opcode.ReplSnapshot] = 0x2003,
            [Opcode.ReplSnapshotRead] = 0x2004,
        };
        foreach (var (opcode, value) in Memory.MemoryGoldenValueTests.Opcodes)
        {
            expected.Add(opcode, value);
        }
        Assert.Equal(expected.Count, Enum.GetValues<Opcode>().Length);
        foreach (var (opcode, value) in expected)
        {
            Assert.Equal(value, (ushort)opcode);
        }
        Assert.Equal(expected.Count - 1, OpcodeInfo.All.Length);
        foreach (var opcode in OpcodeInfo.All)
        {
            Assert.True(OpcodeInfo.IsDefined(opcode));
            Assert.NotEqual("UNKNOWN", OpcodeInfo.Name(opcode));
        }
        Assert.False(OpcodeInfo.IsDefined(Opcode.None));
    }

    [Fact]
    public void ReservedOpcodeRanges_KeepTheirBounds_AndHoldOnlyTheirFamiliesOpcodes()
    {
        Assert.Equal(0x1000, OpcodeRanges.EpisodesFirst);
        Assert.Equal(0x1100, OpcodeRanges.SkillsFirst);
        Assert.Equal(0x1200, OpcodeRanges.CausalEdgesFirst);
        Assert.Equal(0x1300, OpcodeRanges.GraphFirst);
        Assert.Equal(0x1400, OpcodeRanges.MemoryFirst);
        Assert.Equal(0x2000, OpcodeRanges.ReplicationFirst);
        Assert.Equal(0x8000, OpcodeRanges.ExtensionsFirst);
        Assert.Equal(0x0100, OpcodeRanges.FamilySize);
        foreach (var opcode in OpcodeInfo.All)
        {
            Assert.True((ushort)opcode < OpcodeRanges.EpisodesFirst || MemoryOpcodes.IsMemory(opcode) || OpcodeInfo.IsReplication(opcode), $"{opcode} is in a reserved range");
            Assert.Equal((ushort)opcode is >= 0x2000 and < 0x2100, OpcodeInfo.IsReplication(opcode));
        }
    }

    [Fact]
    public void ErrorCodes_KeepTheirValues()
    {
        var expected = new Dictionary<ErrorCode, ushort>
        {
            [ErrorCode.None] = 0,
            [ErrorCode.BadRequest] = 1,
            [ErrorCode.Unauthorized] = 2,
            [ErrorCode.Forbidden] = 3,
            [ErrorCode.NotFound] = 4,
            [ErrorCode.TooLarge] = 5,
            [ErrorCode.Busy] = 6,
            [ErrorCode.NotPrimary] = 7,
            [ErrorCode.Internal] = 8,
            [ErrorCode.NotImplemented] = 9,
            [ErrorCode.NotReplicated] = 10,
        };
        Assert.Equal(expected.Count, Enum.GetValues<ErrorCode>().Length);
        foreach (var (code, value) in expected)
        {
            Assert.Equal(value, (ushort)code);
        }
    }

    [Fact]
    public void SmallEnums_KeepTheirValues()
    {
        Assert.Equal([0, 1, 2, 3, 4], Enum.GetValues<AccessRole>().Select(r => (int)r));
        Assert.Equal([1, 2, 3], Enum.GetValues<VectorMetric>().Select(m => (int)m));
        Assert.Equal([0, 1], Enum.GetValues<BatchOperationKind>().Select(k => (int)k));
        Assert.Equal(0x01, (int)FrameFlags.Response);
        Assert.Equal(0x02, (int)FrameFlags.Error);
    }
}
