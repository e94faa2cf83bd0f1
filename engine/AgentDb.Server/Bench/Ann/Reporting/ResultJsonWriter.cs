using System.Text.Json;
using AgentDb.Server.Bench.Ann.Data;
using AgentDb.Server.Bench.Ann.Running;

namespace AgentDb.Server.Bench.Ann.Reporting;

/// <summary>
/// The machine-readable result of a run (<c>results.json</c>): machine, data set, parameters, and per candidate its
/// build figures and sweep. Keys are snake_case and stable; a figure that is not finite is written as null.
/// </summary>
internal static class ResultJsonWriter
{
    /// <summary>Writes <paramref name="report"/> to <paramref name="path"/> as indented JSON.</summary>
    public static void Write(AnnBenchmarkReport report, string path)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        Write(report, stream);
    }

    /// <summary>Writes <paramref name="report"/> to <paramref name="stream"/> as indented JSON.</summary>
    public static void Write(AnnBenchmarkReport report, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        AnnWorkload workload = report.Workload;
        json.WriteStartObject();
        json.WriteString("tool", "agentdb bench ann");
        json.WriteString("started_utc", report.StartedUtc);

        json.WriteStartObject("machine");
        json.WriteString("cpu_model", report.Machine.CpuModel);
        json.WriteNumber("logical_cores", report.Machine.LogicalCores);
        json.WriteString("os", report.Machine.OperatingSystem);
        json.WriteString("runtime", report.Machine.Runtime);
        json.WriteString("agentdb_kernel_path", report.Machine.KernelPath);
        json.WriteEndObject();

        json.WriteStartObject("dataset");
        json.WriteString("name", workload.Name);
        json.WriteNumber("base_count", workload.Base.Count);
        json.WriteNumber("query_count", workload.Queries.Count);
        json.WriteNumber("dimension", workload.Base.Dimension);
        json.WriteString("metric", GroundTruthCache.MetricName(workload.Metric));
        json.WriteString("base_path", Path.GetFullPath(workload.BasePath));
        json.WriteString("query_path", Path.GetFullPath(workload.QueryPath));
        json.WriteString("ground_truth_path", Path.GetFullPath(workload.GroundTruthPath));
        json.WriteEndObject();

        json.WriteStartObject("parameters");
        json.WriteNumber("k", workload.K);
        json.WriteStartArray("ef_list");
        foreach (int ef in workload.EfList)
        {
            json.WriteNumberValue(ef);
        }

        json.WriteEndArray();
        json.WriteNumber("build_threads", workload.Threads);
        json.WriteNumber("search_threads", 1);
        json.WriteNumber("graph_m", Candidates.USearchCandidate.Connectivity);
        json.WriteNumber("ef_construction", Candidates.USearchCandidate.ExpansionAdd);
        json.WriteEndObject();

        json.WriteStartArray("candidates");
        foreach (CandidateResult result in report.Results)
        {
            json.WriteStartObject();
            json.WriteString("name", result.Name);
            json.WriteString("detail", result.Detail);
            WriteNumber(json, "build_seconds", result.BuildSeconds);
            json.WriteNumber("build_threads", result.BuildThreads);
            WriteNumber(json, "build_seconds_single_thread", result.BuildSecondsSingleThread);
            WriteNumber(json, "inserts_per_second", result.InsertsPerSecond);
            json.WriteNumber("memory_bytes", result.MemoryBytes);
            json.WriteString("memory_source", result.MemorySource);
            WriteNumber(json, "bytes_per_vector", result.BytesPerVector);
            json.WriteStartArray("sweep");
            foreach (SweepPoint point in result.Sweep)
            {
                json.WriteStartObject();
                json.WriteNumber("ef", point.Ef);
                WriteNumber(json, "recall", point.Recall);
                WriteNumber(json, "queries_per_second", point.QueriesPerSecond);
                WriteNumber(json, "latency_p50_us", point.LatencyP50Micros);
                WriteNumber(json, "latency_p99_us", point.LatencyP99Micros);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteNumber(Utf8JsonWriter json, string name, double? value)
    {
        if (value is double number && double.IsFinite(number))
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
