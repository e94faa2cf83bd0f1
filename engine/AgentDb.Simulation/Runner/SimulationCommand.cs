using AgentDb.Memory;
using AgentDb.Memory.Embedding;
using AgentDb.Simulation.Scenarios;
using AgentDb.Simulation.Targets;

namespace AgentDb.Simulation.Runner;

/// <summary>
/// <c>agentdb simulate</c> once its command line is parsed: opens the target (an embedded memory in a directory, a fresh
/// temporary one by default, or a server), runs the scenario with a progress line on standard error, prints the table on
/// standard output and writes the JSON report.
/// </summary>
public static class SimulationCommand
{
    /// <summary>Runs the simulation <paramref name="settings"/> describe.</summary>
    /// <param name="settings">What to run (already validated by the command-line parser).</param>
    /// <param name="stdout">Where the table goes.</param>
    /// <param name="stderr">Where errors and the progress line go.</param>
    /// <param name="showProgress">Draw the progress line (when standard error is a terminal).</param>
    /// <param name="cancellationToken">Stops the run (Ctrl+C).</param>
    /// <returns>0 when the scenario ran to its end and every call succeeded; 1 when the target could not be opened, the
    /// scenario stopped early, an operation failed or the report could not be written.</returns>
    public static async Task<int> RunAsync(
        SimulationRunSettings settings, TextWriter stdout, TextWriter stderr, bool showProgress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (!ScenarioCatalog.TryGet(settings.Scenario, out var scenario))
        {
            stderr.WriteLine($"agentdb: error: unknown scenario '{settings.Scenario}' (known: {ScenarioCatalog.Names()})");
            return 1;
        }

        // The embedded memory's skill, causal and graph writes are synchronous: they block their thread until the group
        // commit. Each agent running at once may hold a pool thread, so the pool starts with that many instead of
        // discovering them one by one (which stalls a 300-agent run for minutes).
        ThreadPool.GetMinThreads(out int workers, out int completionPorts);
        int wanted = Math.Min(settings.Options.Parallel + Environment.ProcessorCount, 2_048);
        if (workers < wanted)
        {
            ThreadPool.SetMinThreads(wanted, completionPorts);
        }

        string? temporary = null;
        IMemoryTarget target;
        try
        {
            if (settings.ServerHost is { } host)
            {
                int connections = Math.Clamp(settings.Options.Parallel, 1, 64);
                target = await ServerMemoryTarget.ConnectAsync(host, settings.ServerPort, settings.ApiKey, connections, cancellationToken)
                    .ConfigureAwait(false);
            }
            else
            {
                string path = settings.DataDirectory ?? (temporary = Directory.CreateTempSubdirectory("agentdb-simulate-").FullName);
                target = EmbeddedMemoryTarget.Open(path, new AgentMemoryOptions { Embedder = new HashingEmbedder(settings.Dimension) });
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            stderr.WriteLine("agentdb: simulation interrupted");
            DeleteQuietly(temporary);
            return 1;
        }
        catch (Exception e)
        {
            stderr.WriteLine($"agentdb: error: cannot open the memory for the simulation: {e.Message}");
            DeleteQuietly(temporary);
            return 1;
        }

        SimulationResult result;
        try
        {
            var progress = showProgress ? new ProgressLine(stderr, scenario.Name) : null;
            try
            {
                result = await SimulationRunner.RunAsync(scenario, target, settings.Options, progress, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                progress?.Finish();
                stderr.WriteLine("agentdb: simulation interrupted");
                return 1;
            }
            finally
            {
                progress?.Finish();
            }
        }
        finally
        {
            await target.DisposeAsync().ConfigureAwait(false);
            DeleteQuietly(temporary);
        }

        SimulationReport.WriteTable(result, stdout);
        if (settings.ReportPath is { } reportPath)
        {
            try
            {
                using var file = File.Create(reportPath);
                SimulationReport.WriteJson(result, file);
                stdout.WriteLine($"report written to {reportPath}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"agentdb: error: cannot write the report {reportPath}: {e.Message}");
                return 1;
            }
        }
        if (!result.Completed)
        {
            stderr.WriteLine($"agentdb: error: the simulation stopped early: {result.Error}");
            return 1;
        }
        return result.Failures == 0 ? 0 : 1;
    }

    private static void DeleteQuietly(string? path)
    {
        if (path is null)
        {
            return;
        }
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A temporary directory; the OS cleans it eventually.
        }
    }
}
