using AgentDb.Index.Hnsw;

namespace AgentDb.Engine.Tests.Index.Hnsw;

public sealed class VisitedSetTests
{
    [Fact]
    public void Reset_ForgetsEveryVisit_AcrossTheStampWrap()
    {
        var visited = new VisitedSet();
        for (int search = 0; search < 70_000; search++) // past 65,535: the stamps wrap and the array is cleared
        {
            visited.Reset(8);
            Assert.True(visited.TryVisit(search % 8));
            Assert.False(visited.TryVisit(search % 8));
            Assert.True(visited.TryVisit((search + 1) % 8));
        }
    }

    [Fact]
    public void Reset_ToALargerGraph_MakesRoomForIt()
    {
        var visited = new VisitedSet();
        visited.Reset(4);
        Assert.True(visited.TryVisit(3));

        visited.Reset(1_000);

        Assert.True(visited.TryVisit(999));
        Assert.True(visited.TryVisit(3));
    }
}
