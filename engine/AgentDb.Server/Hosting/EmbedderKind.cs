namespace AgentDb.Server.Hosting;

/// <summary>The embedders <c>serve</c> can give the agent memory.</summary>
internal enum EmbedderKind
{
    /// <summary>all-MiniLM-L6-v2 from the bundled package, loaded on first use, cached.</summary>
    MiniLm,

    /// <summary>The deterministic feature-hashing embedder.</summary>
    Hashing,

    /// <summary>A local sentence-transformer ONNX model.</summary>
    Onnx,
}
