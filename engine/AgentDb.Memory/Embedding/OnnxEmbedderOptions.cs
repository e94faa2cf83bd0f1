namespace AgentDb.Memory.Embedding;

/// <summary>How an <see cref="OnnxEmbedder"/> names its model, tokenises and runs.</summary>
public sealed class OnnxEmbedderOptions
{
    /// <summary>
    /// The model's name, recorded in a memory store's layout so a store is never read with another model. Default:
    /// "onnx:" and the model file's name without its extension (e.g. "onnx:all-mpnet-base-v2"); name it yourself when
    /// the file is called something generic like model.onnx.
    /// </summary>
    public string? Name { get; init; }

    /// <summary>
    /// Whether the tokenizer keeps case: false (the default) lower-cases like uncased BERT models (MiniLM, mpnet);
    /// true for cased vocabularies.
    /// </summary>
    public bool CaseSensitive { get; init; }

    /// <summary>
    /// ONNX Runtime threads per model call of a single text; 0 (the default) lets ONNX Runtime choose (one per physical
    /// core). Also the most model calls of one batch that run at once, on a second one-thread session opened from the
    /// model file by the first batch of two texts or more (0: one per logical processor; 1: one after another, no second
    /// session). If the file changed since loading, batches run their calls one after another instead.
    /// </summary>
    public int Threads { get; init; }

    /// <summary>The most texts given to the model in one call (default 32).</summary>
    public int MaxBatchSize { get; init; } = SentenceOnnxModel.DefaultMaxBatchSize;
}
