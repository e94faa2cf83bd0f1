namespace AgentDb.Memory.Causal;

/// <summary>How <see cref="CausalMemory.CausalRecall(string?, ReadOnlyMemory{float}, CausalRecallOptions?)"/> ranks: score = <see cref="SimilarityWeight"/> · similarity + <see cref="UpliftWeight"/> · uplift.</summary>
public sealed record CausalRecallOptions
{
    /// <summary>The largest <see cref="CandidateFactor"/>.</summary>
    public const int MaxCandidateFactor = 100;

    /// <summary>How many memories to return (default 10), 1 to <see cref="AgentDatabase.MaxSearchResults"/>.</summary>
    public int K { get; init; } = 10;

    /// <summary>α, the weight of the cosine similarity (1 − cosine distance, in [−1, 1]); default 1; finite and ≥ 0.</summary>
    public double SimilarityWeight { get; init; } = 1.0;

    /// <summary>β, the weight of the candidate's uplift; default 0.5; finite and ≥ 0.</summary>
    public double UpliftWeight { get; init; } = 0.5;

    /// <summary>Only edges with confidence at least this count towards a candidate's uplift (default 0), in [0, 1].</summary>
    public double MinConfidence { get; init; }

    /// <summary>When set, only edges into this outcome memory count towards a candidate's uplift.</summary>
    public string? Target { get; init; }

    /// <summary>
    /// Candidates = the <c>K × CandidateFactor</c> nearest episodes (capped at <see cref="AgentDatabase.MaxSearchResults"/>)
    /// across every reflexion shard (default 4, 1 to <see cref="MaxCandidateFactor"/>). A memory outside that pool is
    /// not returned however large its uplift. Candidates at exactly equal distance on the pool's edge are the store's
    /// choice, so a sharded and an unsharded layout can differ there and only there.
    /// </summary>
    public int CandidateFactor { get; init; } = 4;

    /// <summary>Attach a <see cref="Provenance.RecallCertificate"/> over the returned episodes and their supporting edges.</summary>
    public bool WithCertificate { get; init; }

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    /// <exception cref="ArgumentException">The target id is empty or too long.</exception>
    public void Validate()
    {
        if (K < 1 || K > AgentDatabase.MaxSearchResults)
        {
            throw new ArgumentOutOfRangeException(nameof(K), K, $"K must be between 1 and {AgentDatabase.MaxSearchResults}.");
        }

        CheckWeight(SimilarityWeight, nameof(SimilarityWeight));
        CheckWeight(UpliftWeight, nameof(UpliftWeight));
        CausalMemory.CheckConfidenceBound(MinConfidence, nameof(MinConfidence));
        if (Target is not null)
        {
            CausalMemory.CheckMemoryId(Target, nameof(Target));
        }

        if (CandidateFactor is < 1 or > MaxCandidateFactor)
        {
            throw new ArgumentOutOfRangeException(nameof(CandidateFactor), CandidateFactor, $"CandidateFactor must be between 1 and {MaxCandidateFactor}.");
        }
    }

    private static void CheckWeight(double weight, string name)
    {
        if (!double.IsFinite(weight) || weight < 0)
        {
            throw new ArgumentOutOfRangeException(name, weight, $"{name} must be finite and at least 0.");
        }
    }
}
