using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AgentDb.Simulation.Stress;

/// <summary>The stress run's outputs: the console table and the JSON report.</summary>
internal static class StressReport
{
    /// <summary>The console table, one row per cell, with a header line.</summary>
    public static string Table(IReadOnlyList<StressCellResult> cells)
    {
        var text = new StringBuilder();
        text.AppendLine(Header);
        foreach (var cell in cells)
        {
            text.AppendLine(Row(cell));
        }
        return text.ToString();
    }

    /// <summary>The table's header.</summary>
    public static string Header { get; } = string.Format(
        CultureInfo.InvariantCulture, "{0,7} {1,5} {2,9} {3,10} {4,8} {5,8} {6,9} {7,9} {8,8} {9,8} {10,7}  {11}",
        "agents", "conc", "ops", "ops/s", "p50 ms", "p99 ms", "store p99", "retr p99", "success", "RSS MB", "CPU %", "errors");

    /// <summary>One cell's row.</summary>
    public static string Row(StressCellResult cell) => string.Format(
        CultureInfo.InvariantCulture, "{0,7} {1,5} {2,9} {3,10:0} {4,8:0.00} {5,8:0.00} {6,9:0.00} {7,9:0.00} {8,7:0.00}% {9,8} {10,7}  {11}",
        cell.Agents, cell.Concurrency, cell.Operations, cell.Throughput, cell.P50Ms, cell.P99Ms, cell.StoreP99Ms, cell.RetrieveP99Ms,
        cell.SuccessRate * 100,
        cell.RssBytes is { } rss ? (rss / (1024.0 * 1024)).ToString("0", CultureInfo.InvariantCulture) : "-",
        cell.CpuPercent is { } cpu ? cpu.ToString("0", CultureInfo.InvariantCulture) : "-",
        Errors(cell.Errors));

    /// <summary>Writes the JSON report to <paramref name="path"/>.</summary>
    public static void WriteJson(string path, StressOptions options, string target, IReadOnlyList<StressCellResult> cells)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        WriteJson(file, options, target, cells);
    }

    /// <summary>Writes the JSON report to <paramref name="output"/>.</summary>
    public static void WriteJson(Stream output, StressOptions options, string target, IReadOnlyList<StressCellResult> cells)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("command", "stress");
        json.WriteString("target", target);
        json.WriteString("date", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        WriteMachine(json);
        json.WriteStartObject("workload");
        json.WriteNumber("cellSeconds", options.CellDuration.TotalSeconds);
        if (options.MaxOperationsPerCell is { } max)
        {
            json.WriteNumber("maxOperationsPerCell", max);
        }
        json.WriteNumber("dimension", options.Dimension);
        json.WriteNumber("seed", options.Seed);
        json.WriteNumber("taskFamilies", StressWorkload.TaskFamilies);
        json.WriteNumber("retrieveK", StressWorkload.RetrieveK);
        json.WriteNumber("sessionSharePercent", options.SessionSharePercent);
        json.WriteString("turn", "store one episode (vector supplied), then retrieve k=5 relevant episodes: the agent's own session in sessionSharePercent % of turns, every session otherwise");
        json.WriteEndObject();
        json.WriteStartArray("cells");
        foreach (var cell in cells)
        {
            json.WriteStartObject();
            json.WriteNumber("agents", cell.Agents);
            json.WriteNumber("concurrency", cell.Concurrency);
            json.WriteNumber("seconds", Math.Round(cell.Seconds, 3));
            json.WriteNumber("operations", cell.Operations);
            json.WriteNumber("successes", cell.Successes);
            json.WriteNumber("failures", cell.Failures);
            json.WriteNumber("successRate", cell.SuccessRate);
            json.WriteNumber("episodesStored", cell.EpisodesStored);
            json.WriteNumber("throughputOpsPerSecond", Math.Round(cell.Throughput, 1));
            json.WriteNumber("p50Ms", Math.Round(cell.P50Ms, 3));
            json.WriteNumber("p99Ms", Math.Round(cell.P99Ms, 3));
            json.WriteNumber("storeP99Ms", Math.Round(cell.StoreP99Ms, 3));
            json.WriteNumber("retrieveP99Ms", Math.Round(cell.RetrieveP99Ms, 3));
            json.WriteStartObject("errors");
            foreach (var (kind, count) in cell.Errors)
            {
                json.WriteNumber(kind, count);
            }
            json.WriteEndObject();
            WriteNullable(json, "rssBytes", cell.RssBytes);
            WriteNullable(json, "cpuSeconds", cell.CpuSeconds is { } cpu ? Math.Round(cpu, 3) : null);
            WriteNullable(json, "cpuPercent", cell.CpuPercent is { } percent ? Math.Round(percent, 1) : null);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>Processor count, CPU model and load average, as the benchmark notes record them.</summary>
    internal static void WriteMachine(Utf8JsonWriter json)
    {
        json.WriteStartObject("machine");
        json.WriteNumber("processors", Environment.ProcessorCount);
        json.WriteString("cpu", CpuModel());
        json.WriteString("loadAverage", LoadAverage());
        json.WriteString("os", System.Runtime.InteropServices.RuntimeInformation.OSDescription);
        json.WriteEndObject();
    }

    /// <summary>The first "model name" of /proc/cpuinfo, or "unknown".</summary>
    internal static string CpuModel()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal) && line.IndexOf(':') is var colon and > 0)
                {
                    return line[(colon + 1)..].Trim();
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not Linux, or not readable.
        }
        return "unknown";
    }

    /// <summary>The three load averages of /proc/loadavg, or "unknown".</summary>
    internal static string LoadAverage()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ', 4);
            return parts.Length >= 3 ? $"{parts[0]} {parts[1]} {parts[2]}" : "unknown";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "unknown";
        }
    }

    private static string Errors(IReadOnlyDictionary<string, long> errors)
    {
        if (errors.Count == 0)
        {
            return "-";
        }
        var text = new StringBuilder();
        foreach (var (kind, count) in errors)
        {
            if (text.Length > 0)
            {
                text.Append(", ");
            }
            text.Append(kind).Append('=').Append(count.ToString(CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
