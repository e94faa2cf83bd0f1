using AgentDb.Server.Bench.Ann.Data;

namespace AgentDb.Server.Bench.Ann.Running;

/// <summary>
/// recall@k: for each query, the share of its true k nearest ids (the first k of the ground truth) that appear among
/// the first k ids returned, averaged over the queries. Duplicates and -1 slots in the answer count for nothing.
/// </summary>
internal static class RecallCalculator
{
    /// <summary>The mean recall@<paramref name="k"/> of <paramref name="found"/> against <paramref name="groundTruth"/>.</summary>
    /// <exception cref="ArgumentException">The tables differ in rows, or the ground truth is narrower than k.</exception>
    public static double MeanRecall(NeighborTable found, NeighborTable groundTruth, int k)
    {
        ArgumentNullException.ThrowIfNull(found);
        ArgumentNullException.ThrowIfNull(groundTruth);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (found.Rows != groundTruth.Rows)
        {
            throw new ArgumentException($"The answers hold {found.Rows} queries, the ground truth {groundTruth.Rows}.", nameof(found));
        }

        if (groundTruth.Width < k)
        {
            throw new ArgumentException($"The ground truth holds {groundTruth.Width} neighbours per query; recall@{k} needs {k}.", nameof(groundTruth));
        }

        if (found.Rows == 0)
        {
            return 0;
        }

        var truth = new HashSet<int>(k);
        var seen = new HashSet<int>(k);
        double sum = 0;
        for (int q = 0; q < found.Rows; q++)
        {
            sum += QueryRecall(found.Row(q), groundTruth.Row(q), k, truth, seen);
        }

        return sum / found.Rows;
    }

    /// <summary>The recall@k of one query; a ground truth with fewer than k valid ids is scored against those it has.</summary>
    internal static double QueryRecall(ReadOnlySpan<int> found, ReadOnlySpan<int> groundTruth, int k, HashSet<int> truth, HashSet<int> seen)
    {
        truth.Clear();
        seen.Clear();
        for (int i = 0; i < k && i < groundTruth.Length; i++)
        {
            if (groundTruth[i] >= 0)
            {
                truth.Add(groundTruth[i]);
            }
        }

        if (truth.Count == 0)
        {
            return 1;
        }

        int hits = 0;
        for (int i = 0; i < k && i < found.Length; i++)
        {
            int id = found[i];
            if (id >= 0 && seen.Add(id) && truth.Contains(id))
            {
                hits++;
            }
        }

        return (double)hits / truth.Count;
    }
}
