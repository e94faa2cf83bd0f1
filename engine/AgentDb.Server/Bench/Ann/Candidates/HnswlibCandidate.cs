using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AgentDb.Server.Bench.Ann.Data;

namespace AgentDb.Server.Bench.Ann.Candidates;

/// <summary>
/// hnswlib through Debian's <c>python3-hnswlib</c>, out of process: runs <c>bench/ann/hnswlib_peer.py</c> with
/// M 16 and ef_construction 200, which builds (on one thread and on all), times batched <c>knn_query</c> with
/// <c>num_threads=1</c> for each ef, and writes its answers as <c>.ivecs</c> files and its timings as JSON.
/// </summary>
/// <remarks>
/// The interpreter is Debian's <c>/usr/bin/python3</c> by default, not the first <c>python3</c> on PATH, which may
/// be a pyenv build that cannot see Debian's packages. Nothing is installed from here: <c>bench/ann/run.sh</c> does.
/// </remarks>
internal sealed class HnswlibCandidate : IExternalAnnCandidate
{
    /// <summary>The interpreter that sees Debian's python3-hnswlib.</summary>
    public const string DefaultPython = "/usr/bin/python3";

    /// <summary>Where the script lives, relative to the repository root (and to the tool's own directory).</summary>
    public const string ScriptRelativePath = "bench/ann/hnswlib_peer.py";

    /// <summary>hnswlib's M, as USearch's connectivity.</summary>
    public const int M = 16;

    /// <summary>hnswlib's ef_construction, as USearch's expansion_add.</summary>
    public const int EfConstruction = 200;

    private readonly string _python;
    private readonly string? _script;
    private readonly TextWriter _log;

    /// <summary>A peer run by <paramref name="python"/> from <paramref name="script"/>.</summary>
    /// <param name="python">The interpreter.</param>
    /// <param name="script">The peer script; null when it was not found (<see cref="CheckAvailable"/> then says so).</param>
    /// <param name="log">Receives the script's progress lines (its standard error).</param>
    public HnswlibCandidate(string python, string? script, TextWriter log)
    {
        _python = python;
        _script = script;
        _log = log;
    }

    /// <inheritdoc/>
    public string Name => "hnswlib";

    /// <summary>
    /// The script at <paramref name="explicitPath"/> if given; else the first <see cref="ScriptRelativePath"/> found
    /// beside the executable or in the current directory or one of its parents; null if none exists.
    /// </summary>
    public static string? LocateScript(string? explicitPath)
    {
        if (explicitPath is not null)
        {
            return File.Exists(explicitPath) ? Path.GetFullPath(explicitPath) : null;
        }

        string besideTool = Path.Combine(AppContext.BaseDirectory, ScriptRelativePath);
        if (File.Exists(besideTool))
        {
            return besideTool;
        }

        for (var directory = new DirectoryInfo(Environment.CurrentDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, ScriptRelativePath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <inheritdoc/>
    public string? CheckAvailable()
    {
        if (_script is null)
        {
            return $"cannot find {ScriptRelativePath} (run from the repository, or pass --hnswlib-script PATH).";
        }

        if (!File.Exists(_python))
        {
            return $"{_python} does not exist (pass --python PATH to an interpreter with hnswlib and numpy).";
        }

        (int exitCode, string output) = RunToEnd(_python, ["-c", "import hnswlib, numpy"], TimeSpan.FromSeconds(60));
        return exitCode == 0
            ? null
            : $"{_python} cannot import hnswlib and numpy ({output.Trim()}); run bench/ann/run.sh, which installs python3-hnswlib with apt-get.";
    }

    /// <inheritdoc/>
    public ExternalRunResult Run(ExternalRunRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        string script = _script ?? throw new ExternalCandidateException(Name, $"cannot find {ScriptRelativePath}.");
        Directory.CreateDirectory(request.WorkDirectory);
        string jsonPath = Path.Combine(request.WorkDirectory, "hnswlib-result.json");
        File.Delete(jsonPath);

        var start = new ProcessStartInfo(_python)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[]
        {
            script,
            "--base", request.BasePath,
            "--query", request.QueryPath,
            "--metric", Data.GroundTruthCache.MetricName(request.Metric),
            "--k", request.K.ToString(CultureInfo.InvariantCulture),
            "--ef-list", string.Join(',', request.EfList),
            "--threads", request.Threads.ToString(CultureInfo.InvariantCulture),
            "--M", M.ToString(CultureInfo.InvariantCulture),
            "--ef-construction", EfConstruction.ToString(CultureInfo.InvariantCulture),
            "--single-thread-build", request.MeasureSingleThreadBuild ? "yes" : "no",
            "--work-dir", request.WorkDirectory,
            "--json", jsonPath,
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new ExternalCandidateException(Name, $"could not start {_python}.");
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_log)
                {
                    _log.WriteLine(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new ExternalCandidateException(Name, $"{script} exited with status {process.ExitCode} (its messages are above). {stdout.Trim()}");
        }

        return ReadResult(jsonPath);
    }

    /// <summary>Reads the script's JSON answer and the id files it names.</summary>
    /// <exception cref="ExternalCandidateException">The JSON is missing, malformed, or names unreadable files.</exception>
    internal ExternalRunResult ReadResult(string jsonPath)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(jsonPath));
            JsonElement root = document.RootElement;
            var sweep = new List<ExternalSweepRun>();
            foreach (JsonElement point in root.GetProperty("sweep").EnumerateArray())
            {
                NeighborTable found = IvecsFile.Read(point.GetProperty("ids").GetString()!);
                sweep.Add(new ExternalSweepRun(point.GetProperty("ef").GetInt32(), point.GetProperty("seconds").GetDouble(), found));
            }

            JsonElement single = root.GetProperty("build_seconds_single_thread");
            return new ExternalRunResult(
                $"hnswlib {root.GetProperty("version").GetString()} (M={root.GetProperty("M").GetInt32()}, ef_construction={root.GetProperty("ef_construction").GetInt32()})",
                root.GetProperty("build_seconds").GetDouble(),
                single.ValueKind == JsonValueKind.Null ? null : single.GetDouble(),
                root.GetProperty("index_bytes").GetInt64(),
                root.GetProperty("memory_source").GetString() ?? "unknown",
                sweep);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IOException or VectorFileFormatException)
        {
            throw new ExternalCandidateException(Name, $"cannot read its answer {jsonPath}: {e.Message}", e);
        }
    }

    private static (int ExitCode, string Output) RunToEnd(string fileName, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"timed out after {timeout.TotalSeconds:F0} s");
        }

        return (process.ExitCode, stdout + stderr.Result);
    }
}
