using System.Runtime.InteropServices;
using AgentDb.Kernels;

namespace AgentDb.Server.Bench.Ann.Reporting;

/// <summary>The machine a benchmark ran on, as recorded beside its figures.</summary>
/// <param name="CpuModel">The CPU model name (from /proc/cpuinfo on Linux).</param>
/// <param name="LogicalCores">Logical cores this process may use.</param>
/// <param name="OperatingSystem">The OS description.</param>
/// <param name="Runtime">The .NET runtime description.</param>
/// <param name="KernelPath">The SIMD path our distance kernels run on.</param>
internal sealed record MachineInfo(string CpuModel, int LogicalCores, string OperatingSystem, string Runtime, string KernelPath)
{
    /// <summary>Describes the current machine.</summary>
    public static MachineInfo Current() => new(
        ReadCpuModel(),
        Environment.ProcessorCount,
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        Distance.ActivePath.ToString());

    private static string ReadCpuModel()
    {
        const string cpuInfo = "/proc/cpuinfo";
        try
        {
            if (File.Exists(cpuInfo))
            {
                foreach (string line in File.ReadLines(cpuInfo))
                {
                    if (line.StartsWith("model name", StringComparison.Ordinal))
                    {
                        int colon = line.IndexOf(':', StringComparison.Ordinal);
                        return colon >= 0 ? line[(colon + 1)..].Trim() : line;
                    }
                }
            }
        }
        catch (IOException)
        {
            // A CPU name is decoration; the architecture below still says something.
        }

        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}
