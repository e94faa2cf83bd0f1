using AgentDb.Wire.Frames;
using AgentDb.Wire.Messages.Memory;

namespace AgentDb.Wire.Tests.Memory;

/// <summary>The agent-memory values persisted on the wire. Never "fix" a failure by changing an expected value.</summary>
public sealed class MemoryGoldenValueTests
{
    /// <summary>Every agent-memory opcode and its value (also checked by <c>EnumGoldenValueTests</c> with the rest).</summary>
    public static IReadOnlyList<KeyValuePair<Opcode, ushort>> Opcodes { get; } =
    [
        new(Opcode.EpisodeStore, 0x1000), new(Opcode.EpisodeRetrieve, 0x1001), new(Opcode.EpisodeTaskStats, 0x1002),
        new(Opcode.EpisodeCritiques, 0x1003), new(Opcode.EpisodeGet, 0x1004),
        new(Opcode.SkillCreate, 0x1100), new(Opcode.SkillUpsert, 0x1101), new(Opcode.SkillGet, 0x1102),
        new(Opcode.SkillSearch, 0x1103), new(Opcode.SkillRecordUse, 0x1104), new(Opcode.SkillConsolidate, 0x1105),
        new(Opcode.CausalAddEdge, 0x1200), new(Opcode.CausalRemoveEdge, 0x1201), new(Opcode.CausalEffects, 0x1202),
        new(Opcode.CausalCauses, 0x1203), new(Opcode.CausalChain, 0x1204), new(Opcode.CausalRecall, 0x1205),
        new(Opcode.CausalGetEdge, 0x1206),
        new(Opcode.GraphNodeAdd, 0x1300), new(Opcode.GraphNodeUpsert, 0x1301), new(Opcode.GraphNodeGet, 0x1302),
        new(Opcode.GraphNodeDelete, 0x1303), new(Opcode.GraphEdgeAdd, 0x1304), new(Opcode.GraphEdgeGet, 0x1305),
        new(Opcode.GraphEdgeDelete, 0x1306), new(Opcode.GraphNeighbors, 0x1307), new(Opcode.GraphTraverse, 0x1308),
        new(Opcode.GraphShortestPath, 0x1309), new(Opcode.GraphMatch, 0x130A), new(Opcode.GraphNodeSearch, 0x130B),
        new(Opcode.MemoryBatch, 0x1400), new(Opcode.CertificateVerify, 0x1401), new(Opcode.MemoryStats, 0x1402),
    ];

    [Fact]
    public void MemoryOpcodes_AreExactlyTheGoldenOnes_InNumericOrder_EachInItsFamilyRange()
    {
        Assert.Equal(Opcodes.Select(o => o.Key), MemoryOpcodes.All.ToArray());
        foreach (var (opcode, value) in Opcodes)
        {
            Assert.Equal(value, (ushort)opcode);
            Assert.True(MemoryOpcodes.IsMemory(opcode));
            Assert.True(OpcodeInfo.IsDefined(opcode));
            Assert.Equal(MemoryOpcodes.Name(opcode), OpcodeInfo.Name(opcode));
            Assert.InRange(value, OpcodeRanges.EpisodesFirst, OpcodeRanges.MemoryFirst + OpcodeRanges.FamilySize - 1);
        }
        Assert.Equal(0x1000, (ushort)Opcode.EpisodeStore & 0xFF00);
        Assert.Null(MemoryOpcodes.Name(Opcode.Upsert));
        Assert.False(MemoryOpcodes.IsMemory((Opcode)0x1005));
        Assert.False(OpcodeInfo.IsDefined((Opcode)0x1005));
        Assert.Equal("UNKNOWN", OpcodeInfo.Name((Opcode)0x1005));
    }

    [Fact]
    public void MemoryOpcodes_ThatWrite_AreTheOnesThatChangeStoredRecords()
    {
        Opcode[] writes =
        [
            Opcode.EpisodeStore, Opcode.SkillCreate, Opcode.SkillUpsert, Opcode.SkillRecordUse, Opcode.SkillConsolidate,
            Opcode.CausalAddEdge, Opcode.CausalRemoveEdge, Opcode.GraphNodeAdd, Opcode.GraphNodeUpsert, Opcode.GraphNodeDelete,
            Opcode.GraphEdgeAdd, Opcode.GraphEdgeDelete, Opcode.MemoryBatch,
        ];
        foreach (var opcode in MemoryOpcodes.All)
        {
            Assert.Equal(writes.Contains(opcode), MemoryOpcodes.IsWrite(opcode));
        }
        Assert.False(MemoryOpcodes.IsWrite(Opcode.Upsert)); // core roles are OperationRoles' business
    }

    [Fact]
    public void MemoryEnums_KeepTheirValues()
    {
        Assert.Equal([0, 1, 2], Enum.GetValues<WireGraphDirection>().Select(d => (int)d));
        Assert.Equal([0, 1, 2], Enum.GetValues<WireEpisodeOutcome>().Select(o => (int)o));
        Assert.Equal([0, 1, 2, 3, 4], Enum.GetValues<PropertyValueKind>().Select(k => (int)k));
        Assert.Equal(
            [
                (MemoryBatchOperationKind.StoreEpisode, 0), (MemoryBatchOperationKind.CreateSkill, 1), (MemoryBatchOperationKind.UpsertSkill, 2),
                (MemoryBatchOperationKind.AddCausalEdge, 3), (MemoryBatchOperationKind.RemoveCausalEdge, 4), (MemoryBatchOperationKind.AddNode, 5),
                (MemoryBatchOperationKind.UpsertNode, 6), (MemoryBatchOperationKind.DeleteNode, 7), (MemoryBatchOperationKind.AddEdge, 8),
                (MemoryBatchOperationKind.DeleteEdge, 9),
            ],
            Enum.GetValues<MemoryBatchOperationKind>().Select(k => (k, (int)k)));
        Assert.Equal(32, MemoryWireLimits.HashBytes);
    }
}
