using AgentDb.Memory.Embedding;
using BenchmarkDotNet.Attributes;

namespace AgentDb.Bench.Memory;

/// <summary>
/// The feature-hashing embedder (384 dimensions) on the 32 texts of <see cref="EmbeddingTexts"/>, one call per text.
/// Time per text; texts/s = 1 / time.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
public class EmbeddingHashingBenchmarks
{
    private const int Texts = 32;

    private readonly HashingEmbedder _embedder = new();
    private readonly float[] _destination = new float[HashingEmbedder.DefaultDimension];

    [Benchmark(OperationsPerInvoke = Texts)]
    public void Hashing384()
    {
        string[] texts = EmbeddingTexts.All;
        for (int i = 0; i < texts.Length; i++)
        {
            _embedder.Embed(texts[i], _destination);
        }
    }
}
