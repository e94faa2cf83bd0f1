using AgentDb.Memory.Embedding;

namespace AgentDb.Memory.Tests.Support;

/// <summary>
/// A tiny deterministic embedder for controller tests: each whitespace-separated word adds 1 to one dimension picked
/// by a stable hash of the word, then the vector is normalised. Texts sharing words are near; counts embedding calls.
/// </summary>
internal sealed class StubEmbedder : IEmbedder
{
    public StubEmbedder(int dimension = 16) => Dimension = dimension;

    public string Name => "stub";

    public int Dimension { get; }

    public int Calls { get; private set; }

    public void Embed(string text, Span<float> destination)
    {
        if (destination.Length != Dimension)
        {
            throw new ArgumentException("wrong destination length", nameof(destination));
        }

        Calls++;
        destination.Clear();
        foreach (string word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            uint hash = 2166136261;
            foreach (char c in word.ToLowerInvariant())
            {
                hash = (hash ^ c) * 16777619;
            }

            destination[(int)(hash % (uint)Dimension)] += 1f;
        }

        float norm = 0;
        foreach (float v in destination)
        {
            norm += v * v;
        }

        if (norm == 0)
        {
            destination[0] = 1;
            return;
        }

        float scale = 1f / MathF.Sqrt(norm);
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] *= scale;
        }
    }

    public void EmbedBatch(IReadOnlyList<string> texts, Span<float> destination)
    {
        if (destination.Length != texts.Count * Dimension)
        {
            throw new ArgumentException("wrong destination length", nameof(destination));
        }

        for (int i = 0; i < texts.Count; i++)
        {
            Embed(texts[i], destination.Slice(i * Dimension, Dimension));
        }
    }

    public void Dispose()
    {
    }
}
