namespace AgentDb.Server;

/// <summary>The process exit codes of <c>agentdb</c>. Scripts depend on them: never renumber.</summary>
internal static class ExitCode
{
    /// <summary>The command did what was asked (including <c>--help</c> and <c>--version</c>).</summary>
    public const int Success = 0;

    /// <summary>The arguments were valid but the command failed at run time (e.g. the data directory is locked).</summary>
    public const int Failure = 1;

    /// <summary>The command line, an <c>AGENTDB_*</c> environment variable or the config file was invalid; nothing was done.</summary>
    public const int Usage = 2;
}
