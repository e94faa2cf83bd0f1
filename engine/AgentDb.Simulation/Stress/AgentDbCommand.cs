using System.Diagnostics;

namespace AgentDb.Simulation.Stress;

/// <summary>How to run an <c>agentdb</c> executable: its apphost, or the dotnet host with <c>agentdb.dll</c>.</summary>
/// <param name="FileName">The program to start.</param>
/// <param name="LeadingArguments">Arguments before the subcommand (the dll's path when the program is dotnet).</param>
internal sealed record AgentDbCommand(string FileName, IReadOnlyList<string> LeadingArguments)
{
    /// <summary>The agentdb this process is: <see cref="Environment.ProcessPath"/>, plus the entry assembly when that is
    /// the dotnet host.</summary>
    public static AgentDbCommand Self()
    {
        var host = Environment.ProcessPath ?? "dotnet";
        if (IsDotnetHost(host))
        {
            var entry = System.Reflection.Assembly.GetEntryAssembly()?.Location
                ?? throw new InvalidOperationException("cannot tell which agentdb.dll this process runs");
            return new AgentDbCommand(host, [entry]);
        }
        return new AgentDbCommand(host, []);
    }

    /// <summary><c>dotnet <paramref name="dllPath"/></c>, with the dotnet host this process runs on (or the one on PATH).</summary>
    public static AgentDbCommand FromDll(string dllPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(dllPath);
        var host = Environment.ProcessPath is { } path && IsDotnetHost(path) ? path : "dotnet";
        return new AgentDbCommand(host, [dllPath]);
    }

    /// <summary>A start description for <c>agentdb <paramref name="arguments"/></c>, output redirected.</summary>
    public ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in LeadingArguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        return start;
    }

    private static bool IsDotnetHost(string path) =>
        string.Equals(Path.GetFileNameWithoutExtension(path), "dotnet", StringComparison.OrdinalIgnoreCase);
}
