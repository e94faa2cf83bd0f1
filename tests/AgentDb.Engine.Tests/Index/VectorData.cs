using AgentDb.Index.Hnsw;
using AgentDb.Kernels;

namespace AgentDb.Engine.Tests.Index;

/// <summary>Seeded vector sets and exact answers for index tests: same seed, same data, on every machine.</summary>
internal static class VectorData
{
    /// <summary>
    /// <paramref name="count"/> points around <paramref name="clusters"/> Gaussian centres (row-major), so that the data
    /// has the structure real embeddings have rather than the uniform noise on which every graph looks good.
    /// </summary>
    public static float[] Clustered(int count, int dimension, int clusters, int seed)
    {
        var random = new Random(seed);
        var centres = new float[clusters * dimension];
        for (int i = 0; i < centres.Length; i++)
        {
            centres[i] = Gaussian(random) * 2f;
        }

        var data = new float[count * dimension];
        for (int row = 0; row < count; row++)
        {
            int cluster = random.Next(clusters);
            for (int j = 0; j < dimension; j++)
            {
                data[(row * dimension) + j] = centres[(cluster * dimension) + j] + Gaussian(random);
            }
        }

        return data;
    }

    public static long[] Ids(int count, long first = 0)
    {
        var ids = new long[count];
        for (int i = 0; i < count; i++)
        {
            ids[i] = first + i;
        }

        return ids;
    }

    public static ReadOnlySpan<float> Row(float[] data, int dimension, int row) => data.AsSpan(row * dimension, dimension);

    /// <summary>The ids of the <paramref name="k"/> rows nearest to <paramref name="query"/> by brute force over the rows <paramref name="include"/> accepts.</summary>
    public static long[] ExactNearest(
        DistanceMetric metric, float[] data, long[] ids, int dimension, ReadOnlySpan<float> query, int k, Func<long, bool>? include = null)
    {
        int count = ids.Length;
        var distances = new float[count];
        Distance.ComputeMany(metric, query, data.AsSpan(0, count * dimension), distances);
        var order = new List<int>(count);
        for (int i = 0; i < count; i++)
        {
            if (include is null || include(ids[i]))
            {
                order.Add(i);
            }
        }

        order.Sort((a, b) => distances[a].CompareTo(distances[b]));
        int n = Math.Min(k, order.Count);
        var nearest = new long[n];
        for (int i = 0; i < n; i++)
        {
            nearest[i] = ids[order[i]];
        }

        return nearest;
    }

    /// <summary>The fraction of <paramref name="expected"/> found among the hits.</summary>
    public static int Overlap(long[] expected, ReadOnlySpan<SearchHit> hits)
    {
        int found = 0;
        foreach (long id in expected)
        {
            foreach (SearchHit hit in hits)
            {
                if (hit.Id == id)
                {
                    found++;
                    break;
                }
            }
        }

        return found;
    }

    private static float Gaussian(Random random)
    {
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
    }
}
