using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AgentDb.Simulation.Stress;

namespace AgentDb.Simulation.Sizing;

/// <summary>
/// <c>agentdb size</c>: measures the bytes per record of each kind on a scratch memory (<see cref="SizingProbe"/>) and
/// estimates disk and memory for the given counts (<see cref="SizingCalculator"/>), beside the analysis's figures.
/// Exit codes: 0 done, 1 the scratch memory could not be written, 2 invalid arguments.
/// </summary>
internal static class SizeCommand
{
    /// <summary>Records of each kind written by default to measure it.</summary>
    public const int DefaultSamples = 2_000;

    /// <summary>The options' help text.</summary>
    public const string Usage = """
        Usage: agentdb size [--episodes N] [--skills N] [--causal-edges N] [--graph-nodes N] [--graph-edges N]
                            [--dimension N] [--samples N] [--report FILE]

        Estimates the disk and memory a memory of these counts needs. The bytes per record are measured now, on a
        scratch memory in a temporary directory: SAMPLES records of each kind with realistic payloads are written,
        checkpointed, and the growth of the directory and of the process's memory is divided by SAMPLES.

          --episodes N       Reflexion episodes (each with a task vector).
          --skills N         Skills (with code and a vector).
          --causal-edges N   Causal edges.
          --graph-nodes N    Graph nodes (with properties and an embedding).
          --graph-edges N    Graph edges (with properties).
          --dimension N      Vector dimension, 2-4096 (default 384).
          --samples N        Records of each kind written to measure, 100-1000000 (default 2000).
          --report FILE      Write the JSON report.

        At least one count must be given; counts are whole numbers from 0 to 10^12.

        """;

    private const long MaxCount = 1_000_000_000_000;

    private static readonly HashSet<string> s_flags = ["--help"];
    private static readonly HashSet<string> s_valued =
        ["--episodes", "--skills", "--causal-edges", "--graph-nodes", "--graph-edges", "--dimension", "--samples", "--report"];

    /// <summary>The parsed command line.</summary>
    internal sealed record Arguments(SizingInputs Inputs, int Dimension, int Samples, string? ReportPath);

    /// <summary>Parses the arguments after <c>size</c>; on failure <paramref name="error"/> says why.</summary>
    public static bool TryParse(
        IReadOnlyList<string> args, [NotNullWhen(true)] out Arguments? parsed, out bool help, [NotNullWhen(false)] out string? error)
    {
        parsed = null;
        help = false;
        if (!CommandOptions.TryParse(args, s_flags, s_valued, out var given, out error))
        {
            return false;
        }
        if (given.Has("--help"))
        {
            help = true;
            parsed = new Arguments(new SizingInputs(), 384, DefaultSamples, null);
            return true;
        }
        long episodes = 0, skills = 0, causal = 0, nodes = 0, edges = 0, dimension = 384, samples = DefaultSamples;
        if (!given.TryGetInt64("--episodes", 0, MaxCount, ref episodes, out error)
            || !given.TryGetInt64("--skills", 0, MaxCount, ref skills, out error)
            || !given.TryGetInt64("--causal-edges", 0, MaxCount, ref causal, out error)
            || !given.TryGetInt64("--graph-nodes", 0, MaxCount, ref nodes, out error)
            || !given.TryGetInt64("--graph-edges", 0, MaxCount, ref edges, out error)
            || !given.TryGetInt64("--dimension", 2, 4_096, ref dimension, out error)
            || !given.TryGetInt64("--samples", 100, 1_000_000, ref samples, out error))
        {
            return false;
        }
        if (!given.Has("--episodes") && !given.Has("--skills") && !given.Has("--causal-edges") && !given.Has("--graph-nodes")
            && !given.Has("--graph-edges"))
        {
            error = "give at least one count: --episodes, --skills, --causal-edges, --graph-nodes or --graph-edges";
            return false;
        }
        if (given.Value("--report") is { } report && report.AsSpan().IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            error = $"invalid --report '{report}': contains a character not allowed in a path";
            return false;
        }
        parsed = new Arguments(
            new SizingInputs { Episodes = episodes, Skills = skills, CausalEdges = causal, GraphNodes = nodes, GraphEdges = edges },
            (int)dimension, (int)samples, given.Value("--report"));
        return true;
    }

    /// <summary>Runs <c>agentdb size <paramref name="args"/></c>.</summary>
    /// <returns>0, 1 or 2 as the class summary says.</returns>
    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        if (!TryParse(args, out var parsed, out var help, out var error))
        {
            stderr.WriteLine($"agentdb size: error: {error}");
            stderr.WriteLine("Run 'agentdb size --help' for usage.");
            return 2;
        }
        if (help)
        {
            stdout.Write(Usage);
            return 0;
        }
        var scratch = Path.Combine(Path.GetTempPath(), "agentdb-size-" + Guid.NewGuid().ToString("N"));
        try
        {
            stdout.WriteLine($"agentdb size: measuring {parsed.Samples} records of each kind (dimension {parsed.Dimension}) in {scratch} ...");
            var measurement = SizingProbe.Measure(scratch, parsed.Samples, parsed.Dimension);
            var estimate = SizingCalculator.Estimate(parsed.Inputs, measurement);
            stdout.Write(Table(measurement, estimate));
            if (parsed.ReportPath is { } report)
            {
                using var file = new FileStream(report, FileMode.Create, FileAccess.Write, FileShare.None);
                WriteJson(file, measurement, estimate);
                stdout.WriteLine($"report: {report}");
            }
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"agentdb size: error: {e.Message}");
            return 1;
        }
        finally
        {
            try
            {
                Directory.Delete(scratch, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Never created, or already gone.
            }
        }
    }

    /// <summary>The console output: per kind, the measured bytes per record beside the analysis's, then the totals.</summary>
    internal static string Table(SizingMeasurement measurement, SizingEstimate estimate)
    {
        var text = new StringBuilder();
        text.AppendLine(string.Format(CultureInfo.InvariantCulture, "{0,-12} {1,15} {2,12} {3,12} {4,12} {5,12} {6,12} {7,12}",
            "kind", "count", "disk B/rec", "analysis", "managed B", "RSS B/rec", "disk", "memory"));
        foreach (var footprint in measurement.Footprints)
        {
            var kind = (int)footprint.Kind;
            text.AppendLine(string.Format(CultureInfo.InvariantCulture, "{0,-12} {1,15:N0} {2,12:0} {3,12} {4,12:0} {5,12:0} {6,12} {7,12}",
                Name(footprint.Kind), estimate.Inputs.Count(footprint.Kind), footprint.DiskBytes,
                footprint.AnalysisBytes is { } a ? a.ToString("0", CultureInfo.InvariantCulture) : "-",
                footprint.ManagedBytes, footprint.ResidentBytes,
                Bytes(estimate.DiskBytesByKind[kind]), Bytes(estimate.MemoryBytesByKind[kind])));
        }
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"empty memory: {Bytes(measurement.EmptyDiskBytes)} on disk, {Bytes(measurement.EmptyResidentBytes)} resident"));
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"data on disk: {Bytes(estimate.DiskBytes)}   memory: {Bytes(estimate.MemoryBytes)}   recommended disk: {Bytes(estimate.RecommendedDiskBytes)} (x{SizingCalculator.DiskHeadroomFactor} + {Bytes(SizingCalculator.LogHeadroomBytes)} log)"));
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"the analysis's figures for the same counts: {Bytes(estimate.AnalysisDiskBytes)}"));
        return text.ToString();
    }

    /// <summary>Writes the JSON report.</summary>
    internal static void WriteJson(Stream output, SizingMeasurement measurement, SizingEstimate estimate)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("command", "size");
        json.WriteString("date", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        StressReport.WriteMachine(json);
        json.WriteNumber("dimension", measurement.Dimension);
        json.WriteNumber("samplesPerKind", measurement.Samples);
        json.WriteNumber("emptyDiskBytes", measurement.EmptyDiskBytes);
        json.WriteNumber("emptyResidentBytes", measurement.EmptyResidentBytes);
        json.WriteStartArray("kinds");
        foreach (var footprint in measurement.Footprints)
        {
            var kind = (int)footprint.Kind;
            json.WriteStartObject();
            json.WriteString("kind", Name(footprint.Kind));
            json.WriteNumber("count", estimate.Inputs.Count(footprint.Kind));
            json.WriteNumber("diskBytesPerRecord", Math.Round(footprint.DiskBytes, 1));
            json.WriteNumber("managedBytesPerRecord", Math.Round(footprint.ManagedBytes, 1));
            json.WriteNumber("residentBytesPerRecord", Math.Round(footprint.ResidentBytes, 1));
            if (footprint.AnalysisBytes is { } analysis)
            {
                json.WriteNumber("analysisBytesPerRecord", analysis);
            }
            else
            {
                json.WriteNull("analysisBytesPerRecord");
            }
            json.WriteNumber("diskBytes", Math.Round(estimate.DiskBytesByKind[kind]));
            json.WriteNumber("memoryBytes", Math.Round(estimate.MemoryBytesByKind[kind]));
            json.WriteNumber("analysisDiskBytes", Math.Round(estimate.AnalysisBytesByKind[kind]));
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteNumber("diskBytes", Math.Round(estimate.DiskBytes));
        json.WriteNumber("memoryBytes", Math.Round(estimate.MemoryBytes));
        json.WriteNumber("recommendedDiskBytes", Math.Round(estimate.RecommendedDiskBytes));
        json.WriteNumber("analysisDiskBytes", Math.Round(estimate.AnalysisDiskBytes));
        json.WriteEndObject();
    }

    /// <summary>The kind's command-line name.</summary>
    internal static string Name(RecordKind kind) => kind switch
    {
        RecordKind.Episode => "episodes",
        RecordKind.Skill => "skills",
        RecordKind.CausalEdge => "causal-edges",
        RecordKind.GraphNode => "graph-nodes",
        RecordKind.GraphEdge => "graph-edges",
        _ => kind.ToString(),
    };

    /// <summary>Bytes with a binary unit: "1.50 GiB".</summary>
    internal static string Bytes(double bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
        var unit = 0;
        while (Math.Abs(bytes) >= 1024 && unit < units.Length - 1)
        {
            bytes /= 1024;
            unit++;
        }
        return unit == 0
            ? bytes.ToString("0", CultureInfo.InvariantCulture) + " B"
            : bytes.ToString("0.00", CultureInfo.InvariantCulture) + " " + units[unit];
    }
}
