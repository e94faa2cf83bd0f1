using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace AgentDb.Simulation.Stress;

/// <summary>
/// <c>agentdb serve</c> as a child process for a stress run: a temporary data directory, 127.0.0.1, free ports (the
/// OS picks them: <c>--port 0 --http-port 0</c>, read back from the ready line), the hashing embedder of the run's
/// dimension (the workload supplies its vectors, so no model is loaded). Disposing kills the process and deletes the
/// directory: the stress data is thrown away.
/// </summary>
internal sealed partial class StressServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly string _dataDirectory;
    private bool _stopped;

    private StressServerProcess(Process process, string dataDirectory, int port)
    {
        _process = process;
        _dataDirectory = dataDirectory;
        Port = port;
    }

    /// <summary>Always 127.0.0.1.</summary>
    public static string Host => "127.0.0.1";

    /// <summary>The protocol port the server bound.</summary>
    public int Port { get; }

    /// <summary>The server's process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>True once the process has exited (and after <see cref="DisposeAsync"/> saw it exit).</summary>
    public bool HasExited => _stopped || _process.HasExited;

    /// <summary>Starts the server and waits for its ready line.</summary>
    /// <exception cref="IOException">The server exited or was not ready within a minute.</exception>
    public static async Task<StressServerProcess> StartAsync(AgentDbCommand agentdb, int dimension, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agentdb);
        var dataDirectory = Path.Combine(Path.GetTempPath(), "agentdb-stress-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        var start = agentdb.StartInfo(
        [
            "serve", "--data", dataDirectory, "--host", Host, "--port", "0", "--http-port", "0",
            "--embedder", "hashing-" + dimension.ToString(CultureInfo.InvariantCulture),
        ]);
        // The run must not depend on the caller's server settings.
        foreach (var variable in (string[])["AGENTDB_API_KEYS", "AGENTDB_TLS_CERT", "AGENTDB_TLS_KEY", "AGENTDB_REPLICA_OF"])
        {
            start.Environment.Remove(variable);
        }
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new IOException($"could not start {agentdb.FileName}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            DeleteQuietly(dataDirectory);
            throw new IOException($"could not start {agentdb.FileName}: {e.Message}", e);
        }
        var errors = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (errors)
                {
                    errors.AppendLine(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(s_startTimeout);
            while (await process.StandardOutput.ReadLineAsync(deadline.Token).ConfigureAwait(false) is { } line)
            {
                var match = ReadyLine().Match(line);
                if (match.Success)
                {
                    var port = int.Parse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture);
                    _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None); // drain: the stopped line
                    return new StressServerProcess(process, dataDirectory, port);
                }
            }
            await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(false);
            string stderr;
            lock (errors)
            {
                stderr = errors.ToString().Trim();
            }
            throw new IOException($"agentdb serve exited with code {process.ExitCode} before it was ready: {stderr}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Stop(process, dataDirectory);
            throw new IOException($"agentdb serve was not ready within {s_startTimeout.TotalSeconds:0} s");
        }
        catch
        {
            Stop(process, dataDirectory);
            throw;
        }
    }

    /// <summary>Kills the server, waits for it to exit and deletes its data directory.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            _stopped = true;
        }
        catch (InvalidOperationException)
        {
            _stopped = true; // already gone
        }
        catch (TimeoutException)
        {
            // Still running after SIGKILL and 30 s: HasExited keeps saying so; the directory delete below may fail.
        }
        _process.Dispose();
        DeleteQuietly(_dataDirectory);
    }

    private static void Stop(Process process, string dataDirectory)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(TimeSpan.FromSeconds(30));
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        process.Dispose();
        DeleteQuietly(dataDirectory);
    }

    private static void DeleteQuietly(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A temporary directory; the OS cleans it eventually.
        }
    }

    [GeneratedRegex(@"^agentdb ready: .* protocol=[^ ]*:([0-9]+) ")]
    private static partial Regex ReadyLine();
}
