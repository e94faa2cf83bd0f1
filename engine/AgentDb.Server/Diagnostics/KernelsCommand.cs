using AgentDb.Kernels;

namespace AgentDb.Server.Diagnostics;

/// <summary>
/// <c>agentdb kernels</c>: which SIMD path this process runs, and a self-check of the dispatched kernels against a
/// double-precision reference on seeded data. Run under <c>AGENTDB_SIMD_MAX</c> or the runtime's
/// <c>DOTNET_Enable*=0</c> switches, it proves each path in a process of its own.
/// </summary>
internal static class KernelsCommand
{
    private const double SumTolerance = 1e-5;
    private const double CosineTolerance = 1e-5;
    private static readonly int[] s_dimensions = [1, 3, 7, 15, 16, 17, 33, 100, 128, 384, 385, 768, 1536];

    /// <summary>Prints the paths and the self-check; 0 when every kernel is within bounds, 1 otherwise.</summary>
    public static int Run(TextWriter stdout, TextWriter stderr)
    {
        string? cap = Environment.GetEnvironmentVariable(SimdDispatch.EnvironmentVariable);
        stdout.WriteLine($"hardware path: {SimdDispatch.HardwarePath}");
        stdout.WriteLine($"active path: {Distance.ActivePath}");
        stdout.WriteLine($"cap ({SimdDispatch.EnvironmentVariable}): {(string.IsNullOrWhiteSpace(cap) ? "none" : cap.Trim())}");

        var rng = new Random(20261127);
        double worstDot = 0, worstL2 = 0, worstCosine = 0;
        int failures = 0;
        foreach (int d in s_dimensions)
        {
            var a = new float[d];
            var b = new float[d];
            var x = new sbyte[d];
            var y = new sbyte[d];
            double dot = 0, absDot = 0, l2 = 0, normA = 0, normB = 0;
            long dotInt8 = 0, l2Int8 = 0;
            for (int i = 0; i < d; i++)
            {
                a[i] = (float)((rng.NextDouble() * 2) - 1);
                b[i] = (float)((rng.NextDouble() * 2) - 1);
                x[i] = (sbyte)rng.Next(-128, 128);
                y[i] = (sbyte)rng.Next(-128, 128);
                dot += (double)a[i] * b[i];
                absDot += Math.Abs((double)a[i] * b[i]);
                l2 += ((double)a[i] - b[i]) * ((double)a[i] - b[i]);
                normA += (double)a[i] * a[i];
                normB += (double)b[i] * b[i];
                dotInt8 += x[i] * y[i];
                l2Int8 += (x[i] - y[i]) * (x[i] - y[i]);
            }

            double cosine = 1 - (dot / Math.Sqrt(normA * normB));
            double dotError = Math.Abs(Distance.Dot(a, b) - dot) / absDot;
            double l2Error = Math.Abs(Distance.L2Squared(a, b) - l2) / l2;
            double cosineError = Math.Abs(Distance.CosineDistance(a, b) - cosine);
            worstDot = Math.Max(worstDot, dotError);
            worstL2 = Math.Max(worstL2, l2Error);
            worstCosine = Math.Max(worstCosine, cosineError);
            if (dotError > SumTolerance || l2Error > SumTolerance || cosineError > CosineTolerance
                || Distance.DotInt8(x, y) != dotInt8 || Distance.L2SquaredInt8(x, y) != l2Int8)
            {
                stderr.WriteLine($"agentdb: kernel self-check failed at dimension {d} on path {Distance.ActivePath}");
                failures++;
            }
        }

        stdout.WriteLine(
            $"self-check: {(failures == 0 ? "ok" : "FAILED")} (worst relative error dot {worstDot:E1}, L2 {worstL2:E1}; cosine absolute {worstCosine:E1}; int8 exact)");
        return failures == 0 ? ExitCode.Success : ExitCode.Failure;
    }
}
