namespace AgentDb.Server.Bench.Ann.Data;

/// <summary>
/// A seeded synthetic data set: <c>clusters</c> centres drawn from N(0, 1) per component, and every base or query
/// vector a centre chosen uniformly plus N(0, <see cref="Spread"/>²) noise per component. The same seed and shape
/// give the same vectors on any machine with the same .NET major version (the generator is a seeded
/// <see cref="Random"/>); the harness caches generated sets on disk, so a run reuses the exact files it measured.
/// </summary>
internal static class ClusteredGaussianGenerator
{
    /// <summary>Standard deviation of the noise around a centre, relative to the spread of the centres (1).</summary>
    public const double Spread = 0.5;

    /// <summary>Draws the base and query sets of <paramref name="spec"/>.</summary>
    public static (VectorSet Base, VectorSet Queries) Generate(GenerateSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var random = new Random(spec.Seed);
        int dimension = spec.Dimension;
        var centres = new float[checked(spec.Clusters * dimension)];
        FillGaussian(random, centres, 1.0);

        // Queries come from a stream of their own so that changing the base count keeps the queries the same.
        var baseVectors = Draw(new Random(random.Next()), centres, spec.Clusters, spec.BaseCount, dimension);
        var queries = Draw(new Random(random.Next()), centres, spec.Clusters, spec.QueryCount, dimension);
        return (baseVectors, queries);
    }

    private static VectorSet Draw(Random random, float[] centres, int clusters, int count, int dimension)
    {
        var data = new float[checked(count * dimension)];
        for (int i = 0; i < count; i++)
        {
            Span<float> row = data.AsSpan(i * dimension, dimension);
            FillGaussian(random, row, Spread);
            ReadOnlySpan<float> centre = centres.AsSpan(random.Next(clusters) * dimension, dimension);
            for (int j = 0; j < dimension; j++)
            {
                row[j] += centre[j];
            }
        }

        return new VectorSet(data, count, dimension);
    }

    /// <summary>Fills <paramref name="values"/> with N(0, sigma²) draws (Box–Muller, both outputs used).</summary>
    private static void FillGaussian(Random random, Span<float> values, double sigma)
    {
        for (int i = 0; i < values.Length; i += 2)
        {
            double u1 = 1.0 - random.NextDouble();
            double u2 = random.NextDouble();
            double radius = sigma * Math.Sqrt(-2.0 * Math.Log(u1));
            double angle = 2.0 * Math.PI * u2;
            values[i] = (float)(radius * Math.Cos(angle));
            if (i + 1 < values.Length)
            {
                values[i + 1] = (float)(radius * Math.Sin(angle));
            }
        }
    }
}
