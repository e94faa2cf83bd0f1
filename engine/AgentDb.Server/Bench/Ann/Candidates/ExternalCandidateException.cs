namespace AgentDb.Server.Bench.Ann.Candidates;

/// <summary>An out-of-process peer could not be run, failed, or answered something the harness cannot read.</summary>
internal sealed class ExternalCandidateException : Exception
{
    /// <summary>Describes the failure of the peer <paramref name="candidate"/>.</summary>
    public ExternalCandidateException(string candidate, string message)
        : base($"{candidate}: {message}")
    {
    }

    /// <summary>Describes the failure of the peer <paramref name="candidate"/>, caused by <paramref name="inner"/>.</summary>
    public ExternalCandidateException(string candidate, string message, Exception inner)
        : base($"{candidate}: {message}", inner)
    {
    }
}
