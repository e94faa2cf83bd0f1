using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading.Channels;

namespace AgentDb.Server.Tests;

/// <summary>
/// The built <c>agentdb</c> running as a child process (<c>dotnet agentdb.dll ...</c> from the test output folder,
/// where the project reference to AgentDb.Server copies it). Dispose kills it if it is still running.
/// </summary>
internal sealed partial class AgentDbProcess : IDisposable
{
    public const int Sigterm = 15;

    private readonly Process _process;
    private readonly Channel<string> _stdoutLines = Channel.CreateUnbounded<string>();
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private AgentDbProcess(Process process) => _process = process;

    public static string DllPath { get; } = Path.Combine(AppContext.BaseDirectory, "agentdb.dll");

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Stdout
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public static AgentDbProcess Start(params string[] args) => StartWithEnvironment(null, args);

    /// <summary>Starts agentdb with extra environment variables (a null value removes the variable).</summary>
    public static AgentDbProcess StartWithEnvironment(IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        Assert.True(File.Exists(DllPath), $"{DllPath} is missing: the project reference should copy it");

        var startInfo = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(DllPath);
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }
        // The test must not depend on the developer's settings.
        startInfo.Environment.Remove("AGENTDB_DATA");
        startInfo.Environment.Remove("AGENTDB_HOST");
        startInfo.Environment.Remove("AGENTDB_PORT");
        startInfo.Environment.Remove("AGENTDB_HTTP_PORT");
        startInfo.Environment.Remove("AGENTDB_API_KEYS");
        startInfo.Environment.Remove("AGENTDB_SIMD_MAX");
        if (environment is not null)
        {
            foreach (var (name, value) in environment)
            {
                startInfo.Environment[name] = value;
            }
        }

        var process = new Process { StartInfo = startInfo };
        var child = new AgentDbProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                child._stdoutLines.Writer.TryComplete();
                return;
            }
            lock (child._stdout)
            {
                child._stdout.Append(e.Data).Append('\n');
            }
            child._stdoutLines.Writer.TryWrite(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (child._stderr)
                {
                    child._stderr.Append(e.Data).Append('\n');
                }
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Reads stdout until a line starting with <paramref name="prefix"/>; fails after <paramref name="timeout"/>.</summary>
    public async Task<string> WaitForLineAsync(string prefix, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await foreach (var line in _stdoutLines.Reader.ReadAllAsync(deadline.Token))
            {
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return line;
                }
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            Assert.Fail($"no line starting with '{prefix}' within {timeout}. stdout:\n{Stdout}\nstderr:\n{Stderr}");
        }
        Assert.Fail($"agentdb closed stdout before printing '{prefix}'. stdout:\n{Stdout}\nstderr:\n{Stderr}");
        return "";
    }

    /// <summary>Waits for the process to exit and its output to be read; fails after <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            Assert.Fail($"agentdb did not exit within {timeout}. stdout:\n{Stdout}\nstderr:\n{Stderr}");
        }
        return _process.ExitCode;
    }

    /// <summary>Sends a POSIX signal (Process.Kill would be SIGKILL, which the server cannot handle).</summary>
    public void Signal(int signal)
    {
        if (SendSignal(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone.
        }
        _process.Dispose();
    }

    /// <summary>The dotnet host running this test (so the child uses the same runtime), else dotnet on PATH.</summary>
    private static string DotnetHost() =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
