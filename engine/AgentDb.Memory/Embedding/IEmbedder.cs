namespace AgentDb.Memory.Embedding;

/// <summary>
/// Turns text into a fixed-dimension float32 vector. Implementations are thread-safe; the vectors they return are
/// L2-normalised, so cosine distance and dot product rank alike.
/// </summary>
public interface IEmbedder : IDisposable
{
    /// <summary>A short stable name for the model (recorded in a memory store's layout so a store is never read with another model).</summary>
    string Name { get; }

    /// <summary>The length of every vector this embedder writes.</summary>
    int Dimension { get; }

    /// <summary>Embeds <paramref name="text"/> into <paramref name="destination"/> (exactly <see cref="Dimension"/> floats).</summary>
    /// <exception cref="ArgumentException">The destination has the wrong length.</exception>
    void Embed(string text, Span<float> destination);

    /// <summary>
    /// Embeds every text of <paramref name="texts"/>; row <c>i</c> of <paramref name="destination"/> (floats
    /// <c>[i * Dimension, (i + 1) * Dimension)</c>) receives text <c>i</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The destination's length is not <c>texts.Count * Dimension</c>.</exception>
    void EmbedBatch(IReadOnlyList<string> texts, Span<float> destination);
}
