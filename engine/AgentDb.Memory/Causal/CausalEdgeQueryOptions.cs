namespace AgentDb.Memory.Causal;

/// <summary>Which edges <see cref="CausalMemory.QueryEffects(string, CausalEdgeQueryOptions?)"/> and <see cref="CausalMemory.GetCausesOf(string, CausalEdgeQueryOptions?)"/> return.</summary>
public sealed record CausalEdgeQueryOptions
{
    /// <summary>The largest <see cref="Limit"/>.</summary>
    public const int MaxLimit = 100_000;

    /// <summary>Keep edges with confidence at least this (default 0: all), in [0, 1].</summary>
    public double MinConfidence { get; init; }

    /// <summary>Keep edges with uplift at least this (default −∞: all); not NaN.</summary>
    public double MinUplift { get; init; } = double.NegativeInfinity;

    /// <summary>Return at most this many edges (default 1,000), the first in the order of the result.</summary>
    public int Limit { get; init; } = 1_000;

    /// <summary>Attach a <see cref="Provenance.RecallCertificate"/> over the returned edge records.</summary>
    public bool WithCertificate { get; init; }

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        CausalMemory.CheckConfidenceBound(MinConfidence, nameof(MinConfidence));
        CausalMemory.CheckUpliftBound(MinUplift, nameof(MinUplift));
        if (Limit is < 1 or > MaxLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(Limit), Limit, $"Limit must be between 1 and {MaxLimit}.");
        }
    }
}
