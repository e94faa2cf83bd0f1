namespace AgentDb.Memory.Graph;

/// <summary>Settings of <see cref="GraphStore.Match"/>.</summary>
public sealed record MatchOptions
{
    /// <summary>The most matches returned, 1 to <see cref="GraphStore.MaxLimit"/> (default 100).</summary>
    public int Limit { get; init; } = 100;

    /// <summary>The most nodes examined (anchors and their neighbours) before stopping, 1 to <see cref="GraphStore.MaxVisitedLimit"/> (default 100,000).</summary>
    public int MaxVisited { get; init; } = 100_000;

    /// <summary>The most adjacency entries read before stopping, 1 to <see cref="GraphStore.MaxEdgesScannedLimit"/> (default 1,000,000).</summary>
    public int MaxEdgesScanned { get; init; } = 1_000_000;

    /// <summary>Attach a <see cref="Provenance.RecallCertificate"/> over the matched nodes (a then b of each match, in order).</summary>
    public bool WithCertificate { get; init; }
}
