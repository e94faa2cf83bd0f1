using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AgentDb.Simulation.Runner;

/// <summary>The two renderings of a <see cref="SimulationResult"/>: a console table and a JSON report (names in
/// snake_case; latencies in milliseconds, sizes in bytes, throughput in operations per second).</summary>
public static class SimulationReport
{
    /// <summary>Writes the result as a table of the headline figures, the operation kinds, the metrics and the series.</summary>
    public static void WriteTable(SimulationResult result, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(writer);
        var c = CultureInfo.InvariantCulture;
        writer.WriteLine(string.Create(c, $"simulation {result.Scenario} on {result.Target}: {result.SwarmSize} agents, {result.Iterations} iterations, parallel {result.Parallel}{(result.Optimize ? ", optimized" : "")}, seed {result.Seed}"));
        if (!result.Completed)
        {
            writer.WriteLine($"  STOPPED EARLY: {result.Error}");
        }
        else if (result.Error is not null)
        {
            writer.WriteLine($"  note: {result.Error}");
        }
        var rows = new List<(string, string)>
        {
            ("throughput", string.Create(c, $"{result.OperationsPerSecond:N1} ops/s ({result.Operations:N0} operations in {result.ElapsedSeconds:F3} s)")),
            ("latency p50 / p99", string.Create(c, $"{result.P50Ms:F3} / {result.P99Ms:F3} ms per call")),
            ("success rate", string.Create(c, $"{result.SuccessRate * 100:F2} % ({result.Calls - result.Failures:N0} of {result.Calls:N0} calls)")),
            ("memory", string.Create(c, $"working set {Mib(result.WorkingSetBytes)}, peak {Mib(result.PeakWorkingSetBytes)}, GC heap {Mib(result.GcHeapBytes)}")),
            ("database size", result.DiskBytes is { } disk ? Mib(disk) : "n/a"),
        };
        WriteRows(writer, rows);

        writer.WriteLine();
        writer.WriteLine(string.Create(c, $"  {"operation",-30} {"calls",10} {"ops",10} {"failed",8} {"p50 ms",10} {"p99 ms",10}"));
        foreach (var kind in result.OperationKinds)
        {
            writer.WriteLine(string.Create(c, $"  {kind.Name,-30} {kind.Calls,10:N0} {kind.Items,10:N0} {kind.Failures,8:N0} {kind.P50Ms,10:F3} {kind.P99Ms,10:F3}"));
            foreach (var (error, count) in kind.Errors)
            {
                writer.WriteLine(string.Create(c, $"  {"",-30}   {count:N0} x {error}"));
            }
        }

        if (result.Metrics.Count > 0)
        {
            writer.WriteLine();
            var metrics = new List<(string, string)>(result.Metrics.Count);
            foreach (var (name, value) in result.Metrics)
            {
                metrics.Add((name, value.ToString("0.######", c)));
            }
            WriteRows(writer, metrics);
        }
        foreach (var (name, points) in result.Series)
        {
            var line = new StringBuilder();
            line.Append("  ").Append(name).Append(" by step:");
            foreach (var (step, value) in points)
            {
                line.Append(' ').Append(step.ToString(c)).Append('=').Append(value.ToString("0.####", c));
            }
            writer.WriteLine(line.ToString());
        }
    }

    /// <summary>The result as an indented JSON document.</summary>
    public static string ToJson(SimulationResult result)
    {
        using var stream = new MemoryStream();
        WriteJson(result, stream);
        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    /// <summary>Writes the result as an indented JSON document to <paramref name="stream"/>.</summary>
    public static void WriteJson(SimulationResult result, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(stream);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("scenario", result.Scenario);
        json.WriteString("target", result.Target);
        json.WriteNumber("swarm_size", result.SwarmSize);
        json.WriteNumber("iterations", result.Iterations);
        json.WriteNumber("parallel", result.Parallel);
        json.WriteBoolean("optimize", result.Optimize);
        json.WriteNumber("seed", result.Seed);
        json.WriteString("started_utc", result.StartedUtc);
        json.WriteNumber("elapsed_seconds", result.ElapsedSeconds);
        json.WriteBoolean("completed", result.Completed);
        if (result.Error is null)
        {
            json.WriteNull("error");
        }
        else
        {
            json.WriteString("error", result.Error);
        }
        json.WriteNumber("calls", result.Calls);
        json.WriteNumber("operations", result.Operations);
        json.WriteNumber("failures", result.Failures);
        json.WriteNumber("success_rate", result.SuccessRate);
        json.WriteNumber("ops_per_second", result.OperationsPerSecond);
        json.WriteNumber("latency_p50_ms", result.P50Ms);
        json.WriteNumber("latency_p99_ms", result.P99Ms);
        json.WriteStartObject("memory");
        json.WriteNumber("working_set_bytes", result.WorkingSetBytes);
        json.WriteNumber("peak_working_set_bytes", result.PeakWorkingSetBytes);
        json.WriteNumber("gc_heap_bytes", result.GcHeapBytes);
        json.WriteEndObject();
        if (result.DiskBytes is { } disk)
        {
            json.WriteNumber("database_bytes", disk);
        }
        else
        {
            json.WriteNull("database_bytes");
        }
        json.WriteStartArray("operation_kinds");
        foreach (var kind in result.OperationKinds)
        {
            json.WriteStartObject();
            json.WriteString("name", kind.Name);
            json.WriteNumber("calls", kind.Calls);
            json.WriteNumber("operations", kind.Items);
            json.WriteNumber("failures", kind.Failures);
            json.WriteNumber("p50_ms", kind.P50Ms);
            json.WriteNumber("p99_ms", kind.P99Ms);
            json.WriteStartObject("errors");
            foreach (var (error, count) in kind.Errors)
            {
                json.WriteNumber(error, count);
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartObject("metrics");
        foreach (var (name, value) in result.Metrics)
        {
            json.WriteNumber(name, value);
        }
        json.WriteEndObject();
        json.WriteStartObject("series");
        foreach (var (name, points) in result.Series)
        {
            json.WriteStartArray(name);
            foreach (var (step, value) in points)
            {
                json.WriteStartObject();
                json.WriteNumber("step", step);
                json.WriteNumber("value", value);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteRows(TextWriter writer, List<(string Name, string Value)> rows)
    {
        int width = 0;
        foreach (var (name, _) in rows)
        {
            width = Math.Max(width, name.Length);
        }
        foreach (var (name, value) in rows)
        {
            writer.Write("  ");
            writer.Write(name.PadRight(width));
            writer.Write("  ");
            writer.WriteLine(value);
        }
    }

    private static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024.0):F1} MiB");
}
