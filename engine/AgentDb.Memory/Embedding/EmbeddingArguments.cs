using System.Diagnostics.CodeAnalysis;

namespace AgentDb.Memory.Embedding;

/// <summary>The argument checks every embedder makes, with the messages <see cref="IEmbedder"/> promises.</summary>
internal static class EmbeddingArguments
{
    /// <summary>Checks that <paramref name="destination"/> holds <paramref name="count"/> rows of <paramref name="dimension"/> floats.</summary>
    /// <exception cref="ArgumentException">It does not.</exception>
    public static void CheckDestination(Span<float> destination, int count, int dimension)
    {
        if (destination.Length != (long)count * dimension)
        {
            ThrowWrongDestination(destination.Length, count, dimension);
        }
    }

    /// <summary>Checks a batch: texts and each text non-null, destination of the right length.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="texts"/> or one of its texts is null.</exception>
    /// <exception cref="ArgumentException">The destination has the wrong length.</exception>
    public static void CheckBatch(IReadOnlyList<string> texts, Span<float> destination, int dimension)
    {
        ArgumentNullException.ThrowIfNull(texts);
        CheckDestination(destination, texts.Count, dimension);
        for (int i = 0; i < texts.Count; i++)
        {
            if (texts[i] is null)
            {
                ThrowNullText(i);
            }
        }
    }

    [DoesNotReturn]
    private static void ThrowWrongDestination(int length, int count, int dimension) =>
        throw new ArgumentException(
            $"The destination holds {length} floats; {count} text(s) of {dimension} dimensions need {(long)count * dimension}.", "destination");

    [DoesNotReturn]
    private static void ThrowNullText(int index) =>
        throw new ArgumentNullException("texts", $"Text {index} of the batch is null.");
}
