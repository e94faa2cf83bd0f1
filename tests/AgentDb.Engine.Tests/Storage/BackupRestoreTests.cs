using System.Collections.Concurrent;
using AgentDb.Engine.Tests.Support;
using AgentDb.Kernels;
using static AgentDb.Engine.Tests.Storage.DatabaseTestHelpers;

namespace AgentDb.Engine.Tests.Storage;

public sealed class BackupRestoreTests
{
    private const int BatchSize = 5;

    [Fact]
    public async Task Backup_UnderWriteLoad_RestoresToAConsistentState()
    {
        using var dir = new TempDirectory();
        var acknowledged = new ConcurrentQueue<int>();
        var backups = new List<(BackupInfo Info, int[] AckedBefore)>();
        using (var db = AgentDatabase.Open(dir.Combine("db"), Options()))
        {
            db.CreateCollection("c", 4, DistanceMetric.L2Squared);
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            Task writer = Task.Run(() =>
            {
                var batch = new RecordBatch();
                for (int n = 0; n < 5_000 && !stop.IsCancellationRequested; n++)
                {
                    batch.Clear();
                    for (int j = 0; j < BatchSize; j++)
                    {
                        batch.Upsert("c", $"b{n}-{j}", Payload("n", "s"), Vector(4, (n * BatchSize) + j));
                    }

                    db.Batch(batch);
                    acknowledged.Enqueue(n);
                }
            });

            for (int k = 0; k < 3; k++)
            {
                SpinWait.SpinUntil(() => acknowledged.Count >= 20 * (k + 1) || writer.IsCompleted, TimeSpan.FromSeconds(10));
                int[] before = acknowledged.ToArray();
                backups.Add((db.Backup(dir.Combine($"backup{k}")), before));
            }

            stop.Cancel();
            await writer.WaitAsync(TimeSpan.FromSeconds(20));
        }

        for (int k = 0; k < backups.Count; k++)
        {
            (BackupInfo info, int[] ackedBefore) = backups[k];
            string target = dir.Combine($"restored{k}");
            AgentDatabase.Restore(info.Directory, target);
            using var restored = AgentDatabase.Open(target, Options());
            Assert.Equal(info.AppliedLsn, restored.GetStats().AppliedLsn);
            foreach (int n in ackedBefore)
            {
                Assert.NotNull(restored.Get("c", $"b{n}-0"));
            }

            IReadOnlyList<StoredRecord> all = restored.ScanRange("c", null, null, 100_000);
            Assert.True(all.Count >= ackedBefore.Length * BatchSize);
            foreach (IGrouping<string, StoredRecord> batch in all.GroupBy(r => r.Id[..r.Id.IndexOf('-')]))
            {
                Assert.Equal(BatchSize, batch.Count()); // never half a batch
            }

            StoredRecord sample = all[^1];
            Assert.Equal(sample.Id, restored.Search("c", sample.Vector!, 1)[0].Record.Id);

            long lsn = restored.Upsert("c", "after-restore", Payload("n", "s"), Vector(4, 1));
            Assert.True(lsn > info.AppliedLsn);
        }
    }

    [Fact]
    public void Restore_IntoANonEmptyDirectory_OrFromANonBackup_Throws()
    {
        using var dir = new TempDirectory();
        using (var db = AgentDatabase.Open(dir.Combine("db"), Options()))
        {
            db.CreateCollection("c", 2, DistanceMetric.Cosine);
            db.Backup(dir.Combine("backup"));
            Assert.Throws<IOException>(() => db.Backup(dir.Combine("backup")));
        }

        Directory.CreateDirectory(dir.Combine("busy"));
        File.WriteAllText(dir.Combine("busy/file"), "x");
        Assert.Throws<IOException>(() => AgentDatabase.Restore(dir.Combine("backup"), dir.Combine("busy")));
        Assert.Throws<InvalidDataException>(() => AgentDatabase.Restore(dir.Combine("db"), dir.Combine("other")));
    }
}
