using System.Diagnostics;
using System.Globalization;

namespace AgentDb.Simulation.Stress;

/// <summary>
/// Reads the resident memory and CPU time of one process: the spawned server, or this process for an embedded run.
/// Resident memory is VmRSS from <c>/proc/&lt;pid&gt;/status</c> (Linux), else the working set .NET reports; CPU time
/// is user + system as .NET reads it (from <c>/proc/&lt;pid&gt;/stat</c> on Linux).
/// </summary>
internal sealed class ProcessProbe
{
    /// <summary>Probes the process <paramref name="processId"/>.</summary>
    public ProcessProbe(int processId) => ProcessId = processId;

    /// <summary>The process probed.</summary>
    public int ProcessId { get; }

    /// <summary>Probes this process.</summary>
    public static ProcessProbe Self() => new(Environment.ProcessId);

    /// <summary>Resident bytes now, or null when the process is gone or cannot be read.</summary>
    public long? ResidentBytes()
    {
        var status = $"/proc/{ProcessId.ToString(CultureInfo.InvariantCulture)}/status";
        try
        {
            if (File.Exists(status))
            {
                foreach (var line in File.ReadLines(status))
                {
                    if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    {
                        return ParseKilobytes(line.AsSpan("VmRSS:".Length)) * 1024;
                    }
                }
            }
            using var process = Process.GetProcessById(ProcessId);
            return process.WorkingSet64;
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>CPU time (user + system) the process has used so far, or null when it cannot be read.</summary>
    public TimeSpan? CpuTime()
    {
        try
        {
            using var process = Process.GetProcessById(ProcessId);
            return process.TotalProcessorTime;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    /// <summary>"   123456 kB" → 123456.</summary>
    internal static long ParseKilobytes(ReadOnlySpan<char> text)
    {
        text = text.Trim();
        var space = text.IndexOf(' ');
        var digits = space < 0 ? text : text[..space];
        return long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
    }
}
