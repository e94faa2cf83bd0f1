using AgentDb.Memory.Embedding;

namespace AgentDb.Memory.Tests.Support;

/// <summary>A hashing embedder that records every text and every call it is asked for (thread-safe).</summary>
internal sealed class RecordingEmbedder : IEmbedder
{
    private readonly HashingEmbedder _inner;
    private readonly Lock _lock = new();
    private readonly List<string> _texts = [];
    private readonly List<string[]> _batches = [];
    private int _singleCalls;

    public RecordingEmbedder(int dimension = 16) => _inner = new HashingEmbedder(dimension);

    public string Name => "recording";

    public int Dimension => _inner.Dimension;

    public bool Disposed { get; private set; }

    public int SingleCalls
    {
        get
        {
            lock (_lock)
            {
                return _singleCalls;
            }
        }
    }

    public IReadOnlyList<string> Texts
    {
        get
        {
            lock (_lock)
            {
                return _texts.ToArray();
            }
        }
    }

    public IReadOnlyList<string[]> Batches
    {
        get
        {
            lock (_lock)
            {
                return _batches.ToArray();
            }
        }
    }

    public void Embed(string text, Span<float> destination)
    {
        lock (_lock)
        {
            _singleCalls++;
            _texts.Add(text);
        }

        _inner.Embed(text, destination);
    }

    public void EmbedBatch(IReadOnlyList<string> texts, Span<float> destination)
    {
        lock (_lock)
        {
            _batches.Add(texts.ToArray());
            _texts.AddRange(texts);
        }

        _inner.EmbedBatch(texts, destination);
    }

    public void Dispose() => Disposed = true;
}
