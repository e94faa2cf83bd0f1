namespace AgentDb.Server.Bench.Ann.Candidates;

/// <summary>
/// An index measured in another process (a peer library with no .NET binding): one call builds it from the data
/// files, times the whole ef sweep there on one thread, and hands back the timings and the ids it found. The
/// harness scores those ids exactly as it scores the in-process candidates.
/// </summary>
internal interface IExternalAnnCandidate
{
    /// <summary>The name shown in the table, the JSON and the plot legend.</summary>
    string Name { get; }

    /// <summary>
    /// Null when the peer can run here; otherwise why not, and how to make it available. Checked before any data is
    /// prepared, so a missing peer fails the run at once rather than after the ground truth.
    /// </summary>
    string? CheckAvailable();

    /// <summary>Builds the peer's index and runs the sweep of <paramref name="request"/>.</summary>
    /// <exception cref="ExternalCandidateException">The peer failed or answered something unreadable.</exception>
    ExternalRunResult Run(ExternalRunRequest request);
}
