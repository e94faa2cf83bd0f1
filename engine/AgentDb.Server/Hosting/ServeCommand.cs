namespace AgentDb.Server.Hosting;

/// <summary>
/// <c>agentdb serve</c>: owns the data directory until asked to stop. Today it only creates and locks the directory;
/// the storage engine and the network listener plug in here when their issues land.
/// </summary>
internal static class ServeCommand
{
    /// <summary>Opens and locks the data directory, reports readiness, and waits for <paramref name="stopRequested"/>.</summary>
    /// <param name="options">Validated settings.</param>
    /// <param name="stdout">Receives the "agentdb ready" and "agentdb stopped" lines.</param>
    /// <param name="stderr">Receives errors.</param>
    /// <param name="stopRequested">Cancelled to stop the server.</param>
    /// <returns><see cref="ExitCode.Success"/> after an orderly stop; <see cref="ExitCode.Failure"/> when the data
    /// directory cannot be created or is locked by another process.</returns>
    public static async Task<int> RunAsync(
        ServerOptions options, TextWriter stdout, TextWriter stderr, CancellationToken stopRequested)
    {
        string dataDirectory;
        DataDirectoryLock? held;
        try
        {
            dataDirectory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.DataDirectory));
            Directory.CreateDirectory(dataDirectory);
            if (!DataDirectoryLock.TryAcquire(dataDirectory, out held))
            {
                stderr.WriteLine($"agentdb: error: data directory {dataDirectory} is in use by another process");
                return ExitCode.Failure;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"agentdb: error: cannot open data directory {options.DataDirectory}: {e.Message}");
            return ExitCode.Failure;
        }

        using (held)
        {
            if (options.ConfigFile is not null)
            {
                stderr.WriteLine($"agentdb: note: config file {options.ConfigFile} is accepted but not read yet");
            }
            stdout.WriteLine(
                $"agentdb ready: data={dataDirectory} (storage engine not yet available; " +
                "the network listener arrives with the protocol issue)");

            await Task.Delay(Timeout.Infinite, stopRequested).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        // Printed after the lock is released: whoever reads this line may open the directory.
        stdout.WriteLine("agentdb stopped");
        return ExitCode.Success;
    }
}
