using AgentDb.Memory.Embedding;
using BenchmarkDotNet.Attributes;

namespace AgentDb.Bench.Memory;

/// <summary>
/// MiniLM (all-MiniLM-L6-v2 on ONNX Runtime, CPU) on the 32 texts of <see cref="EmbeddingTexts"/>: one model call per
/// text (baseline) against one call for all 32. Time per text; texts/s = 1 / time. No cache in between.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
public class EmbeddingMiniLmBenchmarks
{
    private const int Texts = 32;

    private MiniLmEmbedder _embedder = null!;
    private float[] _destination = [];

    /// <summary>ONNX Runtime intra-op threads.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Whether ONNX Runtime's worker threads spin (its default) or block (ours) between parallel sections.</summary>
    [Params(false, true)]
    public bool Spinning { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        SentenceOnnxModel.AllowSpinning = Spinning;
        _embedder = new MiniLmEmbedder(Threads, maxBatchSize: Texts);
        _embedder.Load();
        _destination = new float[Texts * _embedder.Dimension];
    }

    [GlobalCleanup]
    public void Cleanup() => _embedder.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Texts)]
    public void OneAtATime()
    {
        int dimension = _embedder.Dimension;
        string[] texts = EmbeddingTexts.All;
        for (int i = 0; i < texts.Length; i++)
        {
            _embedder.Embed(texts[i], _destination.AsSpan(i * dimension, dimension));
        }
    }

    [Benchmark(OperationsPerInvoke = Texts)]
    public void BatchOf32() => _embedder.EmbedBatch(EmbeddingTexts.All, _destination);
}
