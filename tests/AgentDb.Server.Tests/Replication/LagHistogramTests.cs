using System.Text;
using AgentDb.Server.Replication;

namespace AgentDb.Server.Tests.Replication;

/// <summary>The replica's lag histogram: bucket bounds, quantiles within the stated precision, the Prometheus form.</summary>
public sealed class LagHistogramTests
{
    [Fact]
    public void Buckets_CoverEveryValue_InOrder_WithinThreePercent()
    {
        int previous = -1;
        for (long value = 0; value < 5_000_000; value = value < 200 ? value + 1 : value + (value / 37))
        {
            int index = LagHistogram.IndexOf(value);
            Assert.True(index >= previous, $"bucket of {value} is {index}, below {previous}");
            long upper = LagHistogram.UpperOf(index);
            Assert.InRange(upper, value, value + Math.Max(0, value / 32));
            if (index > 0)
            {
                Assert.True(LagHistogram.UpperOf(index - 1) < value, $"{value} belongs to bucket {index - 1} too");
            }
            previous = index;
        }
    }

    [Fact]
    public void Quantiles_FollowTheRecordedValues()
    {
        var histogram = new LagHistogram();
        Assert.Equal(0, histogram.Quantile(0.99));
        for (int i = 1; i <= 1000; i++)
        {
            histogram.Record(i * 10); // 10 µs … 10 ms
        }
        histogram.Record(-5, 3); // a clock offset: counted as 0

        Assert.Equal(1003, histogram.Count);
        Assert.InRange(histogram.Quantile(0.50), 4_970, 5_000 + (5_000 / 32));
        Assert.InRange(histogram.Quantile(0.99), 9_900, 9_930 + (9_930 / 32));
        Assert.Equal(10_000, histogram.Quantile(1.0));
        Assert.Equal(10_000, histogram.MaxMicros);
        Assert.Equal(0, histogram.Quantile(0.001));
    }

    [Fact]
    public void Prometheus_BucketsAreCumulative_AndExactAtTheirBounds()
    {
        var histogram = new LagHistogram();
        histogram.Record(1_000, 2); // exactly 1 ms: in le="0.001"
        histogram.Record(1_001);    // just above: le="0.0015"
        histogram.Record(20_000_000); // 20 s: only +Inf
        var text = new StringBuilder();
        histogram.AppendPrometheus(text, "lag_seconds", "help");
        var output = text.ToString();

        Assert.Contains("# TYPE lag_seconds histogram\n", output, StringComparison.Ordinal);
        Assert.Contains("lag_seconds_bucket{le=\"0.0005\"} 0\n", output, StringComparison.Ordinal);
        Assert.Contains("lag_seconds_bucket{le=\"0.001\"} 2\n", output, StringComparison.Ordinal);
        Assert.Contains("lag_seconds_bucket{le=\"0.0015\"} 3\n", output, StringComparison.Ordinal);
        Assert.Contains("lag_seconds_bucket{le=\"10\"} 3\n", output, StringComparison.Ordinal);
        Assert.Contains("lag_seconds_bucket{le=\"+Inf\"} 4\n", output, StringComparison.Ordinal);
        Assert.Contains("lag_seconds_count 4\n", output, StringComparison.Ordinal);
        Assert.Contains("lag_seconds_sum 20.003001\n", output, StringComparison.Ordinal);
    }
}
