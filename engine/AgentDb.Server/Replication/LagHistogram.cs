using System.Globalization;
using System.Text;

namespace AgentDb.Server.Replication;

/// <summary>
/// A lock-free histogram of durations in microseconds: log-linear buckets (exact below 64 µs, then 32 per power of two,
/// so a percentile is within 1/32 ≈ 3 % of the true value) from 0 to 2^40 µs (≈ 12 days), plus exact counters for the
/// Prometheus buckets of <see cref="PrometheusBoundsSeconds"/>. Recording is a few interlocked adds; reading walks the
/// buckets.
/// </summary>
internal sealed class LagHistogram
{
    /// <summary>The Prometheus <c>le</c> bounds, in seconds (+Inf is added).</summary>
    public static readonly double[] PrometheusBoundsSeconds =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0015, 0.002, 0.003, 0.004, 0.005, 0.0075, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

    private const int SubBucketBits = 5; // 32 per power of two
    private const int SubBuckets = 1 << SubBucketBits;
    private const int MaxExponent = 40;
    private const int LinearLimit = 2 * SubBuckets; // values below are counted exactly
    private const int BucketCount = LinearLimit + ((MaxExponent - SubBucketBits - 1) * SubBuckets);

    private static readonly long[] s_prometheusBoundsMicros = MicrosOf(PrometheusBoundsSeconds);

    private readonly long[] _counts = new long[BucketCount];
    private readonly long[] _prometheus = new long[PrometheusBoundsSeconds.Length + 1];
    private long _count;
    private long _sumMicros;
    private long _maxMicros;

    /// <summary>Values recorded.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Records <paramref name="count"/> occurrences of <paramref name="micros"/> (negative counts as 0).</summary>
    public void Record(long micros, long count = 1)
    {
        if (count <= 0)
        {
            return;
        }
        micros = Math.Max(0, micros);
        Interlocked.Add(ref _counts[IndexOf(micros)], count);
        var bound = 0;
        while (bound < s_prometheusBoundsMicros.Length && micros > s_prometheusBoundsMicros[bound])
        {
            bound++;
        }
        Interlocked.Add(ref _prometheus[bound], count);
        Interlocked.Add(ref _count, count);
        Interlocked.Add(ref _sumMicros, micros * count);
        var max = Interlocked.Read(ref _maxMicros);
        // Bounded: each retry sees a larger maximum.
        while (micros > max)
        {
            var seen = Interlocked.CompareExchange(ref _maxMicros, micros, max);
            if (seen == max)
            {
                break;
            }
            max = seen;
        }
    }

    /// <summary>The largest value recorded (0 when none).</summary>
    public long MaxMicros => Interlocked.Read(ref _maxMicros);

    /// <summary>
    /// The value at quantile <paramref name="q"/> (0–1): the upper end of the bucket holding it, at most the maximum
    /// recorded; 0 when nothing was recorded.
    /// </summary>
    public long Quantile(double q)
    {
        long total = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            total += Interlocked.Read(ref _counts[i]);
        }
        if (total == 0)
        {
            return 0;
        }
        var rank = Math.Max(1, (long)Math.Ceiling(Math.Clamp(q, 0, 1) * total));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += Interlocked.Read(ref _counts[i]);
            if (seen >= rank)
            {
                return Math.Min(UpperOf(i), MaxMicros);
            }
        }
        return MaxMicros;
    }

    /// <summary>Appends the histogram in Prometheus text format, in seconds, as <paramref name="name"/>.</summary>
    public void AppendPrometheus(StringBuilder text, string name, string help)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(" histogram\n");
        long cumulative = 0;
        for (var i = 0; i < _prometheus.Length; i++)
        {
            cumulative += Interlocked.Read(ref _prometheus[i]);
            var le = i < PrometheusBoundsSeconds.Length ? PrometheusBoundsSeconds[i].ToString("R", CultureInfo.InvariantCulture) : "+Inf";
            text.Append(name).Append("_bucket{le=\"").Append(le).Append("\"} ").Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        text.Append(name).Append("_sum ").Append((Interlocked.Read(ref _sumMicros) / 1e6).ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        text.Append(name).Append("_count ").Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    /// <summary>The bucket of a value: exact below <see cref="LinearLimit"/>, then <see cref="SubBuckets"/> per power of two.</summary>
    internal static int IndexOf(long micros)
    {
        if (micros < LinearLimit)
        {
            return (int)micros;
        }
        var exponent = 63 - (int)long.LeadingZeroCount(micros); // ≥ SubBucketBits + 1
        if (exponent >= MaxExponent)
        {
            return BucketCount - 1;
        }
        var sub = (int)((micros >> (exponent - SubBucketBits)) & (SubBuckets - 1));
        return LinearLimit + ((exponent - SubBucketBits - 1) * SubBuckets) + sub;
    }

    /// <summary>The largest value of bucket <paramref name="index"/>.</summary>
    internal static long UpperOf(int index)
    {
        if (index < LinearLimit)
        {
            return index;
        }
        var exponent = ((index - LinearLimit) / SubBuckets) + SubBucketBits + 1;
        var sub = (index - LinearLimit) % SubBuckets;
        var width = 1L << (exponent - SubBucketBits);
        return (1L << exponent) + ((sub + 1) * width) - 1;
    }

    private static long[] MicrosOf(double[] seconds)
    {
        var micros = new long[seconds.Length];
        for (var i = 0; i < seconds.Length; i++)
        {
            micros[i] = (long)Math.Round(seconds[i] * 1e6);
        }
        return micros;
    }
}
