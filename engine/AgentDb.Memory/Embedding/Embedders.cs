namespace AgentDb.Memory.Embedding;

/// <summary>The embedders a memory can use, ready to hand to it.</summary>
public static class Embedders
{
    /// <summary>
    /// all-MiniLM-L6-v2 (384 dimensions, the model AgentDB uses), loaded on first use, behind an LRU cache so a
    /// repeated text is embedded once. Real semantic similarity, offline.
    /// </summary>
    /// <param name="cacheCapacity">Cached vectors (default <see cref="CachingEmbedder.DefaultCapacity"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cacheCapacity"/> is below 1.</exception>
    public static CachingEmbedder Default(int cacheCapacity = CachingEmbedder.DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cacheCapacity, 1);
        return new CachingEmbedder(new MiniLmEmbedder(), cacheCapacity);
    }

    /// <summary>
    /// The deterministic feature-hashing embedder: fast, no model, similarity of shared words and word pieces only.
    /// Not cached: hashing a text costs about what a cache lookup would.
    /// </summary>
    /// <param name="dimension">The vector length (default 384).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> is out of range (2 to <see cref="HashingEmbedder.MaxDimension"/>).</exception>
    public static HashingEmbedder Hashing(int dimension = HashingEmbedder.DefaultDimension) => new(dimension);

    /// <summary>A local sentence-transformer ONNX model, loaded now, behind an LRU cache.</summary>
    /// <param name="modelPath">The ONNX file.</param>
    /// <param name="vocabularyPath">The model's WordPiece vocab.txt.</param>
    /// <param name="expectedDimension">When given, the model must produce vectors of this length (the collection's dimension).</param>
    /// <param name="options">Name, case, threads and batch size.</param>
    /// <param name="cacheCapacity">Cached vectors (default <see cref="CachingEmbedder.DefaultCapacity"/>).</param>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="InvalidDataException">The file is not a sentence-transformer ONNX model, or the vocabulary is not a WordPiece vocabulary.</exception>
    /// <exception cref="ArgumentException">The model's dimension is not <paramref name="expectedDimension"/>.</exception>
    public static CachingEmbedder Onnx(
        string modelPath, string vocabularyPath, int? expectedDimension = null, OnnxEmbedderOptions? options = null, int cacheCapacity = CachingEmbedder.DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cacheCapacity, 1);
        return new CachingEmbedder(new OnnxEmbedder(modelPath, vocabularyPath, expectedDimension, options), cacheCapacity);
    }
}
