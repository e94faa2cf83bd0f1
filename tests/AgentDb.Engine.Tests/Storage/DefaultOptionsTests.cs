using AgentDb.Engine.Tests.Support;
using AgentDb.Kernels;
using AgentDb.Log;

namespace AgentDb.Engine.Tests.Storage;

public sealed class DefaultOptionsTests
{
    [Fact]
    public void DefaultOptions_OpenWriteAndReopen()
    {
        using var dir = new TempDirectory();
        using (var db = AgentDatabase.Open(dir.Path, new AgentDatabaseOptions { Durability = DurabilityMode.None }))
        {
            db.CreateCollection("c", 384, DistanceMetric.Cosine);
            for (int i = 0; i < 300; i++)
            {
                db.Upsert("c", $"r{i}", new byte[100], new float[384]);
            }
        }

        using (var db = AgentDatabase.Open(dir.Path))
        {
            Assert.Equal(300, db.Count("c"));
        }
    }
}
