namespace AgentDb.Memory.Causal;

/// <summary>How <see cref="CausalMemory.GetCausalChain(string, string, CausalChainOptions?)"/> searches.</summary>
public sealed record CausalChainOptions
{
    /// <summary>The largest <see cref="MaxDepth"/>.</summary>
    public const int MaxChainDepth = 16;

    /// <summary>The largest <see cref="MaxExpandedNodes"/>.</summary>
    public const int MaxExpansionLimit = 1_000_000;

    /// <summary>The most edges on the path (default 4), 1 to <see cref="MaxChainDepth"/>.</summary>
    public int MaxDepth { get; init; } = 4;

    /// <summary>Follow only edges with confidence at least this (default 0), in [0, 1]. Edges of confidence 0 are never followed.</summary>
    public double MinConfidence { get; init; }

    /// <summary>Follow only edges with uplift at least this (default −∞: all; 0 or a little above keeps only helpful edges); not NaN.</summary>
    public double MinUplift { get; init; } = double.NegativeInfinity;

    /// <summary>
    /// The most nodes whose outgoing edges are read (default 10,000), bounding the work of one query; when reached before
    /// the target, the result says <see cref="CausalChain.Truncated"/>.
    /// </summary>
    public int MaxExpandedNodes { get; init; } = 10_000;

    /// <summary>Attach a <see cref="Provenance.RecallCertificate"/> over the path's edge records.</summary>
    public bool WithCertificate { get; init; }

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        if (MaxDepth is < 1 or > MaxChainDepth)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDepth), MaxDepth, $"MaxDepth must be between 1 and {MaxChainDepth}.");
        }

        CausalMemory.CheckConfidenceBound(MinConfidence, nameof(MinConfidence));
        CausalMemory.CheckUpliftBound(MinUplift, nameof(MinUplift));
        if (MaxExpandedNodes is < 1 or > MaxExpansionLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxExpandedNodes), MaxExpandedNodes, $"MaxExpandedNodes must be between 1 and {MaxExpansionLimit}.");
        }
    }
}
