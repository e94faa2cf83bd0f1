using AgentDb.Server.Bench.Ann.Candidates;
using AgentDb.Server.Bench.Ann.Data;
using AgentDb.Server.Bench.Ann.Embedding;
using AgentDb.Server.Bench.Ann.Options;
using AgentDb.Server.Bench.Ann.Running;

namespace AgentDb.Server.Bench;

/// <summary>
/// <c>agentdb bench ann ...</c>: the approximate-nearest-neighbour benchmark (our index against an exact scan,
/// USearch and hnswlib), and <c>agentdb bench ann prepare-minilm</c>, which makes a real-text data set with MiniLM.
/// </summary>
public static class AnnBenchCommand
{
    /// <summary>Exit status of a completed run.</summary>
    public const int ExitSuccess = ExitCode.Success;

    /// <summary>Exit status when the run failed: bad data, a failed peer, an I/O error (message on stderr).</summary>
    public const int ExitFailure = ExitCode.Failure;

    /// <summary>Exit status of a usage error: unknown option, bad value, missing file (message and usage on stderr).</summary>
    public const int ExitUsage = ExitCode.Usage;

    /// <summary>
    /// Runs the command with the arguments that follow <c>agentdb bench ann</c>; writes results to standard output and
    /// progress and errors to standard error.
    /// </summary>
    /// <returns><see cref="ExitSuccess"/>, <see cref="ExitFailure"/> or <see cref="ExitUsage"/>.</returns>
    public static int Run(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>As <see cref="Run(string[])"/>, writing to <paramref name="output"/> and <paramref name="log"/>.</summary>
    internal static int Run(string[] args, TextWriter output, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length > 0 && args[0] == PrepareMiniLmOptions.CommandName)
        {
            return RunPrepareMiniLm(args[1..], output, log);
        }

        if (args.Length > 0 && args[0] == "help")
        {
            output.Write(AnnRunOptions.Usage);
            return ExitSuccess;
        }

        if (!AnnRunOptions.TryParse(args, out AnnRunOptions options, out string? error))
        {
            return UsageError(log, error!, AnnRunOptions.Usage);
        }

        if (options.HelpRequested)
        {
            output.Write(AnnRunOptions.Usage);
            return ExitSuccess;
        }

        return Guarded(log, () => AnnRunCommand.Run(options, output, log));
    }

    private static int RunPrepareMiniLm(string[] args, TextWriter output, TextWriter log)
    {
        if (!PrepareMiniLmOptions.TryParse(args, out PrepareMiniLmOptions options, out string? error))
        {
            return UsageError(log, error!, PrepareMiniLmOptions.Usage);
        }

        if (options.HelpRequested)
        {
            output.Write(PrepareMiniLmOptions.Usage);
            return ExitSuccess;
        }

        return Guarded(log, () => PrepareMiniLmCommand.Run(options, output, log));
    }

    private static int UsageError(TextWriter log, string error, string usage)
    {
        log.WriteLine($"agentdb bench ann: {error}");
        log.WriteLine();
        log.Write(usage);
        return ExitUsage;
    }

    /// <summary>Runs <paramref name="body"/>, turning the failures a benchmark expects into a message and exit status 1.</summary>
    private static int Guarded(TextWriter log, Action body)
    {
        try
        {
            body();
            return ExitSuccess;
        }
        catch (Exception e) when (e is VectorFileFormatException or ExternalCandidateException or IOException or UnauthorizedAccessException
            or ArgumentException or InvalidDataException or Cloud.Unum.USearch.USearchException)
        {
            log.WriteLine($"agentdb bench ann: error: {e.Message}");
            return ExitFailure;
        }
    }
}
